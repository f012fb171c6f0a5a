// The READMEs' code: every TypeScript and JavaScript block type-checks strictly against the packages,
// and the examples a reader is told to run do run, against a real mock server.
import { execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { startMockServer } from '@titan-webhooks/mock-server';
import { createTitanClient } from '@titan-webhooks/sdk';
import ts from 'typescript';
import { startTestServer, type TestServer } from '../helpers/http-server.js';
import { allCodeBlocks, type CodeBlock, exampleContaining, ROOT, rewrite } from './blocks.js';

const execFileAsync = promisify(execFile);

// Only what the receiver README's Deno example uses, so that it type-checks here.
const DENO_GLOBALS = `declare namespace Deno {
  const env: { get(name: string): string | undefined };
  function serve(options: { port: number }, handler: (request: Request) => Promise<Response>): unknown;
}
`;

let work: string;
beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'titan-readme-'));
  // Blocks import the packages by name, as a reader's project does.
  symlinkSync(join(ROOT, 'node_modules'), join(work, 'node_modules'), 'dir');
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

const fileName = (block: CodeBlock) =>
  `${block.readme.replace(/\W+/g, '-')}-L${block.line}.${block.language === 'ts' ? 'ts' : 'mjs'}`;

test('every TypeScript and JavaScript block of every README type-checks strictly', async () => {
  const blocks = allCodeBlocks();
  const files = new Map(blocks.map((block) => [fileName(block), block]));
  const dir = mkdtempSync(join(work, 'typecheck-'));
  symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir');
  // `export {}` keeps each block its own module, as a reader's file would be.
  for (const [name, block] of files) writeFileSync(join(dir, name), `${block.code}\nexport {};\n`);
  writeFileSync(join(dir, 'deno.d.ts'), DENO_GLOBALS);
  const source = (path: string) => [join(ROOT, path)];
  const compilerOptions = {
    target: 'es2022',
    lib: ['es2023', 'dom'],
    module: 'esnext',
    moduleResolution: 'bundler',
    strict: true,
    noUncheckedIndexedAccess: true,
    allowJs: true,
    checkJs: true,
    noEmit: true,
    skipLibCheck: true,
    esModuleInterop: true,
    resolveJsonModule: true,
    types: ['node', 'jest'],
    // The packages' source, as the other tests use them.
    paths: {
      '#hmac': source('sdk/src/hmac/node.ts'),
      '@titan-webhooks/sdk': source('sdk/src/index.ts'),
      '@titan-webhooks/sdk/*': source('sdk/src/*.ts'),
      '@titan-webhooks/receiver': source('receiver/src/index.ts'),
      'npm:@titan-webhooks/receiver': source('receiver/src/index.ts'),
      '@titan-webhooks/mock-server': source('mock-server/src/index.ts'),
    },
  };
  writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions, include: ['*.ts', '*.mjs'] }));
  const tsc = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
  const { stdout } = await execFileAsync(process.execPath, [tsc, '-p', dir, '--pretty', 'false'], { cwd: dir }).catch(
    (error: { stdout: string }) => error,
  );
  // Report errors where they are in the README: `receiver/README.md:21:5 error TS2322 ...`.
  const errors = stdout.replace(/^(\S+)\((\d+),(\d+)\): /gm, (whole, name: string, line: string, column: string) => {
    const block = files.get(name);
    return block ? `${block.readme}:${block.line + Number(line) - 1}:${column} ` : whole;
  });
  expect(errors).toBe('');
  // The examples run below are among the blocks checked.
  expect(blocks.length).toBeGreaterThanOrEqual(3);
}, 90_000);

/** Writes `code` as an ES module next to the packages and runs it with this Node. */
function moduleFile(code: string): string {
  const file = join(work, `example-${Math.random().toString(36).slice(2)}.mjs`);
  writeFileSync(file, code);
  return file;
}

async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  server.close();
  await once(server, 'close');
  return port;
}

test("the root README's SDK example runs against the mock server", async () => {
  const mock = await startMockServer({ port: 0 });
  try {
    const block = exampleContaining('README.md', 'titan.webhooks.get(999999)');
    const file = moduleFile(rewrite(block, { 'http://127.0.0.1:4010': mock.url }));
    const { stdout } = await execFileAsync(process.execPath, [file], {
      cwd: work,
      env: { ...process.env, TITAN_TOKEN: mock.token },
    });
    // What its comments promise: the key at create, a list of one, then a typed 404.
    expect(stdout.trim().split('\n')).toEqual([
      expect.stringMatching(/^\d+ a-secret-of-16\+-chars$/),
      '1',
      'true 404 not_found',
    ]);
  } finally {
    await mock.close();
  }
});

test.each([
  ['recorded response', 'console.log(attempt?.statusCode', ['422 application/json {"error":"unknown session"}']],
  ['redeliver', 'await mock.redeliver(', ['failed', 'true succeeded true']],
])("the mock server README's %s example runs and prints what its comments say", async (_name, marker, lines) => {
  const file = moduleFile(exampleContaining('mock-server/README.md', marker).code);
  const { stdout } = await execFileAsync(process.execPath, [file], { cwd: work });
  expect(stdout.trim().split('\n')).toEqual(lines);
});

test("the receiver README's Express example verifies the mock server's deliveries", async () => {
  const hmacKey = 'readme-example-key-0123';
  const port = await freePort();
  const block = exampleContaining('receiver/README.md', "'message.received': (event) => console.log");
  // Loopback only, on a free port rather than 3000.
  const file = moduleFile(rewrite(block, { 'app.listen(3000)': `app.listen(${port}, '127.0.0.1')` }));
  const app = spawn(process.execPath, [file], { cwd: work, env: { ...process.env, TITAN_HMAC_KEY: hmacKey } });
  let output = '';
  app.stdout.on('data', (chunk: Buffer) => (output += chunk));
  app.stderr.on('data', (chunk: Buffer) => (output += chunk));
  const mock = await startMockServer({ port: 0, allowPrivateUrls: true, timeScale: 0.01 });
  try {
    const url = `http://127.0.0.1:${port}/webhooks/titan`;
    while (
      !(await fetch(url).then(
        () => true,
        () => false,
      ))
    ) {
      expect(app.exitCode).toBeNull();
      await sleep(50);
    }
    const titan = createTitanClient({ baseUrl: mock.url, token: mock.token });
    const signed = await titan.webhooks.create({ url, events: ['message.received'], hmacKey });
    const wrongKey = await titan.webhooks.create({
      url,
      events: ['message.received'],
      hmacKey: `${hmacKey}-old`,
      retries: { attempts: 0 },
    });
    const { event } = await mock.emit('message.received');
    const [accepted] = await mock.waitForDeliveries({ webhookId: signed.id });
    expect(accepted).toMatchObject({ status: 'succeeded', eventId: event.id });
    // Signed with another key: refused with 401, and with no retries, failed.
    const [refused] = await mock.waitForDeliveries({ webhookId: wrongKey.id });
    expect(refused).toMatchObject({ status: 'failed', attempts: [{ statusCode: 401 }] });
    // The handler printed the message's sender and body; onError logged the refusal.
    expect(output).toContain(String(event.payload.body));
    expect(output).toContain('signature_mismatch');
  } finally {
    await mock.close();
    app.kill();
  }
});

test("the mock server README's delivery faults and scenario examples run as their comments say", async () => {
  const run = async (marker: string) => {
    const file = moduleFile(exampleContaining('mock-server/README.md', marker).code);
    return (await execFileAsync(process.execPath, [file], { cwd: work })).stdout.trim().split('\n');
  };
  const [faults, scenarios] = await Promise.all([
    run("mock.emit('chat.read', undefined, undefined, { faults })"),
    run("mock.trigger('message.outbound', { order: 'reverse' })"),
  ]);
  expect(faults).toEqual(['3', '1', 'true']);
  expect(scenarios).toEqual([
    'message.outbound, message.inbound, session.pairing, session.logout, group.lifecycle, call.missed, command.async',
    'message.ack read, message.ack delivered, message.ack sent, message.sent',
  ]);
});

describe("the mock server README's jest example", () => {
  // The example's own hooks and test, registered here; its receiver on port 3000 is this test server.
  const readme: { receiver?: TestServer } = {};
  beforeAll(async () => {
    readme.receiver = await startTestServer();
  });
  afterAll(() => readme.receiver?.close());

  const block = exampleContaining('mock-server/README.md', "test('my app receives message.received'");
  const code = rewrite(block, { "'http://127.0.0.1:3000/webhooks/titan'": 'readme.receiver.url + "/webhooks/titan"' });
  const { outputText } = ts.transpileModule(code, {
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true },
  });
  new Function('require', 'exports', 'readme', outputText)(require, {}, readme);
});

test("the mock server README's live stream example prints each change", async () => {
  const block = exampleContaining('mock-server/README.md', 'mock.stream({ onOpen');
  const file = moduleFile(block.code);
  const { stdout } = await execFileAsync(process.execPath, [file], { cwd: work, timeout: 15_000 });
  // What its comments promise.
  const promised = [...block.code.matchAll(/^\/\/ ((?:webhook|delivery) .+)$/gm)].map((match) => match[1]);
  expect(promised).toHaveLength(4);
  expect(stdout.trim().split('\n')).toEqual(promised);
});
