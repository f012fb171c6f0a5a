// The SDK for browsers: bundled as a browser bundler would (the `browser` condition picks Web Crypto),
// then run in a bare V8 context that has only web globals, with no require, process or Buffer.
import { createContext, runInContext } from 'node:vm';
import { build } from 'esbuild';
// biome-ignore lint/correctness/useImportExtensions: a JSON module is named by its own extension.
import vectors from '../vectors/signatures.json';

const ROOT_EXPORTS = `export { signPayload, buildTestDelivery, createTitanClient, TitanApiError } from '@titan-webhooks/sdk';`;

async function browserBundle(contents = ROOT_EXPORTS): Promise<string> {
  const result = await build({
    stdin: {
      contents,
      resolveDir: __dirname,
    },
    bundle: true,
    platform: 'browser',
    format: 'iife',
    globalName: 'TitanSdk',
    write: false,
    logLevel: 'silent',
    // As an app's bundler sees the package: no project tsconfig paths, only package.json conditions.
    tsconfigRaw: {},
  });
  return result.outputFiles[0]!.text;
}

test('the browser bundle pulls in no Node built-in', async () => {
  const code = await browserBundle();
  expect(code).not.toMatch(/require\(|node:crypto|process\.env|Buffer\./);
});

test('the mock client bundles with its live stream parser and no Node built-in', async () => {
  const code = await browserBundle(`export { createMockControl } from '@titan-webhooks/sdk/mock';`);
  expect(code).toMatch(/text\/event-stream/);
  expect(code).toMatch(/EventSourceParserStream/);
  expect(code).not.toMatch(/require\(|node:|process\.env|Buffer\./);
});

test('in a context with only web globals it signs the shared vectors and builds deliveries', async () => {
  const context = createContext({
    crypto,
    TextEncoder,
    TextDecoder,
    URL,
    Request,
    Response,
    Headers,
    AbortController,
    DOMException,
    setTimeout,
    clearTimeout,
    structuredClone,
    fetch,
    atob,
  });
  runInContext(await browserBundle(), context);
  const sdk = context.TitanSdk as typeof import('@titan-webhooks/sdk');
  for (const v of vectors.valid) {
    expect(await sdk.signPayload(new Uint8Array(Buffer.from(v.bodyBase64, 'base64')), v.hmacKey)).toBe(v.signature);
  }
  const delivery = await sdk.buildTestDelivery('message.received', undefined, { hmacKey: 'browser-key-0123456789' });
  expect(delivery.headers['x-webhook-signature']).toBe(await sdk.signPayload(delivery.body, 'browser-key-0123456789'));
  expect(typeof sdk.createTitanClient({ baseUrl: 'https://api.example.com', token: 't' }).webhooks.list).toBe(
    'function',
  );
});
