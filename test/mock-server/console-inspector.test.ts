// The routes behind GET / (the inspector) over HTTP: the page, its two assets, their headers. The page
// itself is driven in Chromium by test/browser/inspector.test.ts. Serves the bundle built into
// mock-server/dist/inspector by `npm run build`.
import { request as httpRequest } from 'node:http';
import { gunzipSync } from 'node:zlib';
import { type MockServer, startMockServer } from '@titan-webhooks/mock-server';

let server: MockServer;
beforeAll(async () => {
  server = await startMockServer({ port: 0, tokens: ['inspector-token'] });
});
afterAll(() => server.close());

/** A GET with exactly these request headers (fetch would add its own Accept-Encoding and decompress). */
function get(path: string, headers: Record<string, string> = {}) {
  return new Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: Buffer }>(
    (resolve, reject) => {
      const request = httpRequest(`${server.url}${path}`, { headers }, (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () =>
          resolve({ status: response.statusCode!, headers: response.headers, body: Buffer.concat(chunks) }),
        );
      });
      request.on('error', reject);
      request.end();
    },
  );
}

const assetUrls = (html: string) => [...html.matchAll(/(?:src|href)="([^"#]+)"/g)].map((match) => match[1]!);

test('GET / is the page, without a token: no inline code, a CSP allowing this server only, always revalidated', async () => {
  const page = await get('/');
  expect(page.status).toBe(200);
  expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
  expect(page.headers['cache-control']).toBe('no-cache');
  expect(page.headers['x-content-type-options']).toBe('nosniff');
  expect(page.headers['referrer-policy']).toBe('no-referrer');
  const csp = String(page.headers['content-security-policy']);
  expect(csp).toContain("default-src 'none'");
  expect(csp).toContain("script-src 'self'");
  expect(csp).toContain("connect-src 'self'");
  const html = page.body.toString('utf8');
  expect(html).not.toMatch(/<script>|<style>|\son\w+=/);
  expect(assetUrls(html).sort()).toEqual([
    '/docs',
    expect.stringMatching(/^\/inspector\/app\.css\?v=[0-9a-f]{12}$/),
    expect.stringMatching(/^\/inspector\/app\.js\?v=[0-9a-f]{12}$/),
  ]);
});

test('the assets: their types, cached for good under their content hash, gzipped when accepted', async () => {
  const html = (await get('/')).body.toString('utf8');
  const [css, js] = assetUrls(html)
    .filter((url) => url.startsWith('/inspector/'))
    .sort();
  for (const [url, type] of [
    [js!, 'application/javascript; charset=utf-8'],
    [css!, 'text/css; charset=utf-8'],
  ] as const) {
    const plain = await get(url);
    expect([plain.status, plain.headers['content-type']]).toEqual([200, type]);
    expect(plain.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.headers.vary).toBe('Accept-Encoding');

    const gzipped = await get(url, { 'accept-encoding': 'gzip, deflate, br' });
    expect(gzipped.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(gzipped.body)).toEqual(plain.body);
    expect(gzipped.body.length).toBeLessThan(plain.body.length / 2);

    // Another version (a page cached before an upgrade) gets the current file, not to be kept.
    const stale = await get(url.replace(/v=\w+/, 'v=0'));
    expect([stale.status, stale.headers['cache-control']]).toEqual([200, 'no-cache']);
    expect(stale.body).toEqual(plain.body);
  }
});

test('the script is small: Preact and the whole page under 20 kB gzipped', async () => {
  const html = (await get('/')).body.toString('utf8');
  const js = assetUrls(html).find((url) => url.startsWith('/inspector/app.js'))!;
  expect((await get(js, { 'accept-encoding': 'gzip' })).body.length).toBeLessThan(20_000);
});

test('nothing else is served under /inspector/, and the API keeps its own 404', async () => {
  for (const path of ['/inspector/app.js.map', '/inspector/..%2Fcli.js', '/inspector/', '/index.html']) {
    const response = await get(path);
    expect([path, response.status]).toEqual([path, 404]);
    expect(JSON.parse(response.body.toString('utf8'))).toMatchObject({ code: 'not_found' });
  }
});

test('the handle gives the dashboard link: the page with the first token in its fragment', () => {
  expect(server.dashboard).toBe(`${server.url}/#token=inspector-token`);
});
