// Each package is importable by name from plain Node, as ESM and as CommonJS.
import { execFileSync } from 'node:child_process';

const expected: Record<string, string[]> = {
  '@titan-webhooks/sdk': [
    'createTitanClient',
    'signPayload',
    'buildTestDelivery',
    'TitanApiError',
    'EVENT_NAMES',
    'isEvent',
    'verifyWebhookSignature',
  ],
  '@titan-webhooks/sdk/mock': ['createMockControl'],
  '@titan-webhooks/sdk/internal': ['hmacSha256Equals', 'deliveryHeaders', 'parseRetryAfter'],
  '@titan-webhooks/sdk/openapi': ['titanOpenApiDocument', 'mockControlOpenApiDocument'],
  '@titan-webhooks/receiver': [
    'verifySignature',
    'constructEvent',
    'titanWebhooks',
    'createWebhookHandler',
    'signPayload',
    'WebhookVerificationError',
    'verifyWebhookSignature',
    'isEvent',
  ],
  '@titan-webhooks/receiver/postgres': ['createPostgresDedupeStore'],
  '@titan-webhooks/receiver/redis': ['createRedisDedupeStore'],
  '@titan-webhooks/mock-server': ['startMockServer'],
};

const run = (args: string[]) =>
  JSON.parse(execFileSync(process.execPath, args, { encoding: 'utf8' })) as Record<string, string>;

describe.each(Object.entries(expected))('%s', (name, exports) => {
  test('import() from an ES module', () => {
    const types = run([
      '--input-type=module',
      '-e',
      `const m = await import(${JSON.stringify(name)}); console.log(JSON.stringify(Object.fromEntries(Object.entries(m).map(([k, v]) => [k, typeof v]))))`,
    ]);
    for (const key of exports) expect(types[key]).toMatch(/function|object/);
  });

  test('require() from CommonJS', () => {
    const types = run([
      '-e',
      `const m = require(${JSON.stringify(name)}); console.log(JSON.stringify(Object.fromEntries(Object.entries(m).map(([k, v]) => [k, typeof v]))))`,
    ]);
    for (const key of exports) expect(types[key]).toMatch(/function|object/);
  });
});

test('the ESM and CommonJS builds sign alike', () => {
  const script = (load: string) =>
    `${load}.then(async (m) => console.log(JSON.stringify({ s: await m.signPayload('{}', 'k'.repeat(16)) })))`;
  const esm = run(['--input-type=module', '-e', script("import('@titan-webhooks/sdk')")]);
  const cjs = run(['-e', script("Promise.resolve(require('@titan-webhooks/sdk'))")]);
  expect(esm.s).toMatch(/^sha256=[0-9a-f]{64}$/);
  expect(cjs).toEqual(esm);
});

test.each([
  ['commonjs', 'require(name)'],
  ['module', 'import(name)'],
])('one WebhookVerificationError class across entry points and packages (%s)', (inputType, load) => {
  const names = ['@titan-webhooks/sdk', '@titan-webhooks/sdk/internal', '@titan-webhooks/receiver'];
  const same = run([
    `--input-type=${inputType}`,
    '-e',
    `Promise.all(${JSON.stringify(names)}.map(async (name) => ${load})).then(([root, internal, receiver]) =>
      console.log(JSON.stringify({
        internal: root.WebhookVerificationError === internal.WebhookVerificationError,
        receiver: root.WebhookVerificationError === receiver.WebhookVerificationError,
      })));`,
  ]);
  expect(same).toEqual({ internal: true, receiver: true });
});
