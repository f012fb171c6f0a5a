// The routes behind GET /docs over HTTP; the page itself is driven in Chromium by test/browser/docs.test.ts.
import { type MockServer, startMockServer } from '@titan-webhooks/mock-server';
import { mockControlOpenApiDocument } from '@titan-webhooks/sdk/openapi';

let server: MockServer;
beforeAll(async () => {
  server = await startMockServer({ port: 0 });
});
afterAll(() => server.close());

test('GET /_mock/openapi.json serves the control document without a token, as /openapi.json does', async () => {
  const response = await fetch(`${server.url}/_mock/openapi.json`);
  expect(response.status).toBe(200);
  const document = await response.json();
  expect(document).toEqual(mockControlOpenApiDocument);
  expect(Object.keys(document.paths)).toEqual(
    expect.arrayContaining(['/_mock/events', '/_mock/openapi.json', '/docs']),
  );
  // The rest of /_mock still needs one.
  expect((await fetch(`${server.url}/_mock/deliveries`)).status).toBe(401);
});

test('GET /docs is an HTML page loading its assets from this server only', async () => {
  const response = await fetch(`${server.url}/docs`);
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
  const html = await response.text();
  const sources = [...html.matchAll(/(?:src|href)="([^"#]+)"/g)].map((match) => match[1]);
  expect(sources.sort()).toEqual(['/docs/assets/swagger-ui-bundle.js', '/docs/assets/swagger-ui.css']);
  for (const [source, type] of [
    ['/docs/assets/swagger-ui-bundle.js', 'application/javascript; charset=utf-8'],
    ['/docs/assets/swagger-ui.css', 'text/css; charset=utf-8'],
  ]) {
    const asset = await fetch(`${server.url}${source}`);
    expect([source, asset.status, asset.headers.get('content-type')]).toEqual([source, 200, type]);
    expect((await asset.arrayBuffer()).byteLength).toBeGreaterThan(10_000);
  }
});

test('only the two assets are reachable: no other file of the package, nothing outside it', async () => {
  for (const path of [
    '/docs/assets/index.html',
    '/docs/assets/package.json',
    '/docs/assets/constructor',
    '/docs/assets/..%2Fpackage.json',
    '/docs/assets/..%2F..%2Fexpress%2Fpackage.json',
  ]) {
    const response = await fetch(`${server.url}${path}`);
    expect([path, response.status]).toEqual([path, 404]);
    expect(await response.json()).toMatchObject({ code: 'not_found' });
  }
});
