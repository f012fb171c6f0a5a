/// <reference path="./swagger-ui-dist.d.ts" />
/**
 * GET /docs: both OpenAPI documents (the Titan webhooks API and the control API) in Swagger UI,
 * every asset served from the installed swagger-ui-dist, so the page works with no network.
 * GET /_mock/openapi.json: the control document, without a token, like /openapi.json.
 */
import { join } from 'node:path';
import { mockControlOpenApiDocument } from '@titan-webhooks/sdk/openapi';
import { Router } from 'express';
import getAbsoluteFSPath from 'swagger-ui-dist/absolute-path.js';

/** The only files of the package the page needs; nothing else of node_modules is reachable. */
const ASSETS = new Map([
  ['swagger-ui-bundle.js', 'application/javascript; charset=utf-8'],
  ['swagger-ui.css', 'text/css; charset=utf-8'],
]);

const DOCUMENTS = [
  { id: 'api', title: 'Titan webhooks API', url: '/openapi.json' },
  { id: 'control', title: 'Mock server control API', url: '/_mock/openapi.json' },
] as const;

// Each document gets its own Swagger UI. The page's origin replaces the documents' servers, so
// "Try it out" calls this very server whatever its port. validatorUrl null: Swagger UI would
// otherwise load a badge from the public online validator.
const PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Titan webhooks mock server: API reference</title>
<link rel="stylesheet" href="/docs/assets/swagger-ui.css">
<style>
  body { margin: 0; font-family: sans-serif; }
  header { padding: 12px 20px; background: #1b1b1b; color: #fff; }
  header a { color: #9fd1ff; margin-right: 16px; }
  section > h1 { margin: 24px 20px 0; font-size: 22px; }
</style>
</head>
<body>
<header>
  <strong>Titan webhooks mock server</strong> &middot;
  ${DOCUMENTS.map((d) => `<a href="#${d.id}">${d.title}</a>`).join('\n  ')}
</header>
${DOCUMENTS.map((d) => `<section id="${d.id}"><h1>${d.title}</h1><div id="${d.id}-ui"></div></section>`).join('\n')}
<script src="/docs/assets/swagger-ui-bundle.js"></script>
<script>
  const documents = ${JSON.stringify(DOCUMENTS)};
  for (const doc of documents) {
    fetch(doc.url)
      .then((response) => response.json())
      .then((spec) => {
        SwaggerUIBundle({
          spec: { ...spec, servers: [{ url: location.origin, description: 'This mock server' }] },
          dom_id: '#' + doc.id + '-ui',
          presets: [SwaggerUIBundle.presets.apis],
          validatorUrl: null,
        });
      })
      .catch((error) => {
        document.getElementById(doc.id + '-ui').textContent = 'Could not load ' + doc.url + ': ' + error;
      });
  }
</script>
</body>
</html>
`;

export function docsRoutes(): Router {
  const router = Router();
  const assetsFolder = getAbsoluteFSPath();
  router.get('/docs', (_req, res) => {
    res.type('html').send(PAGE);
  });
  router.get('/docs/assets/:file', (req, res, next) => {
    const type = ASSETS.get(req.params.file);
    if (type === undefined) return next();
    // The callback runs on success too. Once the file is under way an error (mostly the browser
    // leaving, ECONNABORTED) can only end the connection: there is no answer left to give.
    res.sendFile(join(assetsFolder, req.params.file), { headers: { 'content-type': type }, maxAge: '1h' }, (error) => {
      if (!error) return;
      if (res.headersSent) res.destroy();
      else next(error);
    });
  });
  router.get('/_mock/openapi.json', (_req, res) => {
    res.json(mockControlOpenApiDocument);
  });
  return router;
}
