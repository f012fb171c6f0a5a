/**
 * GET /: the inspector, a one-page app over the control API. Its script and stylesheet are built into
 * dist/inspector/ with the package (`npm run build`) and served from memory here, gzipped for
 * browsers that accept it. Nothing the page loads comes from anywhere but this server.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { type Request, type Response, Router } from 'express';
// biome-ignore lint/correctness/useImportExtensions: a CommonJS file, imported by its own name.
import here from './package-folder.cjs';

interface Asset {
  type: string;
  raw: Buffer;
  gzip: Buffer;
  /** Short content hash: the page asks for `?v=<hash>`, so a cached copy is never stale. */
  version: string;
}

const ASSET_TYPES = new Map([
  ['app.js', 'application/javascript; charset=utf-8'],
  ['app.css', 'text/css; charset=utf-8'],
]);

// Only this server's own script, stylesheet and API: no inline code, no other origin, no framing.
const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "connect-src 'self'",
  "img-src 'self' data:",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** The package's folder: the one holding package.json, above src/console/ in the sources and dist/ once built. */
function packageFolder(from: string): string {
  let folder = from;
  while (!existsSync(join(folder, 'package.json'))) {
    const parent = dirname(folder);
    if (parent === folder) throw new Error(`no package.json above ${from}`);
    folder = parent;
  }
  return folder;
}

function loadAssets(folder: string): Map<string, Asset> | undefined {
  const assets = new Map<string, Asset>();
  for (const [name, type] of ASSET_TYPES) {
    const file = join(folder, name);
    if (!existsSync(file)) return undefined;
    const raw = readFileSync(file);
    const version = createHash('sha256').update(raw).digest('hex').slice(0, 12);
    assets.set(name, { type, raw, gzip: gzipSync(raw, { level: 9 }), version });
  }
  return assets;
}

function page(assets: Map<string, Asset>): string {
  const url = (name: string) => `/inspector/${name}?v=${assets.get(name)!.version}`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Titan webhooks mock server: inspector</title>
<link rel="stylesheet" href="${url('app.css')}">
<script defer src="${url('app.js')}"></script>
</head>
<body>
<div id="app"><p class="loading">Loading the inspector…</p></div>
<noscript>The inspector needs JavaScript. The control API is described at <a href="/docs">/docs</a>.</noscript>
</body>
</html>
`;
}

/** Sends `body`, gzipped when the browser accepts it (every browser does). */
function send(req: Request, res: Response, type: string, raw: Buffer, gzip: Buffer): void {
  res.vary('Accept-Encoding');
  res.type(type);
  if (req.acceptsEncodings('gzip', 'identity') === 'gzip') {
    res.set('Content-Encoding', 'gzip');
    res.send(gzip);
  } else {
    res.send(raw);
  }
}

export function inspectorRoutes(): Router {
  const router = Router();
  const folder = join(packageFolder(here), 'dist', 'inspector');
  // Read on first use, then kept: a server that never serves the page never reads it.
  let cache: { assets: Map<string, Asset>; html: Buffer; htmlGzip: Buffer } | undefined;
  const loaded = () => {
    if (cache) return cache;
    const assets = loadAssets(folder);
    if (!assets) return undefined;
    const html = Buffer.from(page(assets));
    cache = { assets, html, htmlGzip: gzipSync(html, { level: 9 }) };
    return cache;
  };

  router.get('/', (req, res) => {
    const inspector = loaded();
    if (!inspector) {
      res.status(503).type('text').send('The inspector is not built: run `npm run build` in the repository.\n');
      return;
    }
    // The page is tiny and names the current asset versions: always revalidated.
    res.set({
      'Cache-Control': 'no-cache',
      'Content-Security-Policy': CONTENT_SECURITY_POLICY,
      'Referrer-Policy': 'no-referrer',
      'X-Content-Type-Options': 'nosniff',
    });
    send(req, res, 'text/html; charset=utf-8', inspector.html, inspector.htmlGzip);
  });

  router.get('/inspector/:file', (req, res, next) => {
    const asset = loaded()?.assets.get(req.params.file);
    if (!asset) return next();
    const current = req.query.v === asset.version;
    res.set({
      'Cache-Control': current ? 'public, max-age=31536000, immutable' : 'no-cache',
      'X-Content-Type-Options': 'nosniff',
    });
    send(req, res, asset.type, asset.raw, asset.gzip);
  });

  return router;
}
