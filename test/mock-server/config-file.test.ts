// The preloaded setup (--config, TITAN_MOCK_CONFIG, option `config`): tokens and webhooks set up at
// start with the API's own rules, problems reported with their JSON path, exit code 2 from the CLI.
import { type ChildProcess, spawn } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type MockServer, startMockServer } from '@titan-webhooks/mock-server';
import { createTitanClient } from '@titan-webhooks/sdk';
import { createMockControl } from '@titan-webhooks/sdk/mock';
import { type RecordedRequest, startTestServer, type TestServer } from '../helpers/http-server.js';

const ROOT = join(__dirname, '..', '..');
const CLI = join(ROOT, 'mock-server', 'dist', 'cli.js');
const HMAC_KEY = 'preloaded-signing-key-0123';

let dir: string;
let receiver: TestServer;
const servers: MockServer[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'titan-config-'));
  receiver = await startTestServer((_req, res) => res.writeHead(204).end());
});
afterAll(async () => {
  await receiver.close();
  rmSync(dir, { recursive: true, force: true });
});
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

function file(name: string, content: string): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

async function start(config: unknown, tokens?: string[]): Promise<MockServer> {
  const server = await startMockServer({
    port: 0,
    allowPrivateUrls: true,
    logLevel: 'silent',
    config: config as string,
    ...(tokens ? { tokens } : {}),
  });
  servers.push(server);
  return server;
}

const list = (server: MockServer, token: string) => createTitanClient({ baseUrl: server.url, token }).webhooks.list();

async function receivedBy(path: string, count: number): Promise<RecordedRequest[]> {
  for (let waited = 0; waited < 5_000; waited += 10) {
    const matching = receiver.requests.filter((request) => request.url === path);
    if (matching.length >= count) return matching;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`the receiver got no ${count} requests on ${path}`);
}

describe('a valid setup', () => {
  test('as an object: tokens join those given, webhooks are created and receive signed deliveries', async () => {
    const server = await start(
      {
        tokens: [{ token: 'file-token' }, { token: 'reader', scopes: ['deliveries:read'] }],
        webhooks: [
          { token: 'file-token', url: `${receiver.url}/object`, events: ['presence.update'], hmacKey: HMAC_KEY },
          { token: 'given-token', url: `${receiver.url}/given`, label: 'of the --token account' },
        ],
      },
      ['given-token'],
    );
    expect(server.tokens).toEqual(['given-token', 'file-token', 'reader']);
    expect(server.token).toBe('given-token');
    const [preloaded] = await list(server, 'file-token');
    expect(preloaded).toMatchObject({ url: `${receiver.url}/object`, events: ['presence.update'], label: null });
    expect((await list(server, 'given-token')).map((webhook) => webhook.label)).toEqual(['of the --token account']);
    // A scope given in the file is the token's only scope.
    await expect(list(server, 'reader')).rejects.toMatchObject({ status: 403 });

    const control = createMockControl({ baseUrl: server.url, token: 'file-token', retry: false });
    const { event } = await control.emit('presence.update');
    const [request] = await receivedBy('/object', 1);
    expect(JSON.parse(request!.body)).toMatchObject({ id: event.id, event: 'presence.update' });
    const expected = createHmac('sha256', HMAC_KEY).update(request!.body).digest('hex');
    expect(request!.headers['x-webhook-signature']).toBe(`sha256=${expected}`);
  });

  test('from a YAML file and a JSON file', async () => {
    const yaml = file(
      'setup.yaml',
      `tokens:\n  - token: yaml-token\nwebhooks:\n  - token: yaml-token\n    url: ${receiver.url}/yaml\n    retries: { attempts: 0 }\n`,
    );
    const fromYaml = await start(yaml);
    expect(fromYaml.tokens).toEqual(['yaml-token']);
    expect(await list(fromYaml, 'yaml-token')).toEqual([
      expect.objectContaining({
        url: `${receiver.url}/yaml`,
        retries: { attempts: 0, delaySeconds: 5, policy: 'exponential' },
      }),
    ]);

    const json = file(
      'setup.json',
      JSON.stringify({
        tokens: [{ token: 'json-token' }],
        webhooks: [{ token: 'json-token', url: `${receiver.url}/json` }],
      }),
    );
    const fromJson = await start(json);
    await fromJson.emit('presence.update');
    const [delivery] = await fromJson.waitForDeliveries({ status: 'succeeded' });
    expect(delivery!.request.url).toBe(`${receiver.url}/json`);
  });

  test('the example file of the README is valid', async () => {
    const server = await start(join(ROOT, 'mock-server', 'examples', 'titan-mock.config.yaml'));
    expect(server.tokens).toEqual(['titan_ci_app', 'titan_ci_readonly']);
    expect((await list(server, 'titan_ci_app')).map((webhook) => webhook.label)).toEqual([
      'app receiver',
      'audit, every event',
    ]);
  });

  test('a webhook of the same account, url and label is created once', async () => {
    const hook = { token: 'dup-token', url: `${receiver.url}/dup`, label: 'one' };
    const server = await start({
      tokens: [{ token: 'dup-token' }],
      webhooks: [hook, hook, { ...hook, label: 'two' }, { ...hook, label: undefined }],
    });
    expect((await list(server, 'dup-token')).map((webhook) => webhook.label)).toEqual(['one', 'two', null]);
  });
});

describe('an invalid setup', () => {
  test.each([
    [{ webhooks: [], extra: true }, 'config error at /extra: is not a known field'],
    [['a list'], 'config error: must be an object with "tokens" and "webhooks" lists'],
    [{ tokens: { token: 'x' } }, 'config error at /tokens: must be a list'],
    [{ tokens: [{ token: 'has space' }] }, 'config error at /tokens/0/token: invalid token "has space"'],
    [{ tokens: [{ token: 'a' }, { token: 'a' }] }, 'config error at /tokens/1/token: is given twice'],
    [{ tokens: [{ token: 'given' }] }, 'config error at /tokens/0/token: is given twice'],
    [{ tokens: [{ token: 'a', scopes: 'all' }] }, 'config error at /tokens/0/scopes: must be a list of strings'],
    [{ webhooks: [{ url: 'https://a.example.com' }] }, 'config error at /webhooks/0/token: is required'],
    [
      { webhooks: [{ token: 'nobody', url: 'https://a.example.com' }] },
      'config error at /webhooks/0/token: is not a token',
    ],
    [{ tokens: [{ token: 'a' }], webhooks: [{ token: 'a' }] }, 'config error at /webhooks/0/url: is required'],
    [
      { tokens: [{ token: 'a' }], webhooks: [{ token: 'a', url: 'https://a.example.com', colour: 'red' }] },
      'config error at /webhooks/0/colour: is not a known field',
    ],
    [
      { tokens: [{ token: 'a' }], webhooks: [{ token: 'a', url: 'https://a.example.com', retries: { attempts: 99 } }] },
      'config error at /webhooks/0/retries/attempts: must be <= 15',
    ],
  ])('%j is refused: %s', async (config, message) => {
    await expect(start(config, ['given'])).rejects.toThrow(message);
  });

  test('the create rules apply in full: the SSRF policy without allowPrivateUrls, unique header names', async () => {
    const config = {
      tokens: [{ token: 'a' }],
      webhooks: [
        { token: 'a', url: 'https://127.0.0.1/hook' },
        {
          token: 'a',
          url: 'https://a.example.com',
          headers: [
            { name: 'X-App', value: '1' },
            { name: 'x-app', value: '2' },
          ],
        },
      ],
    };
    const refused = startMockServer({ port: 0, logLevel: 'silent', config });
    await expect(refused).rejects.toThrow(/config error at \/webhooks\/0\/url: .*loopback/);
    await expect(refused).rejects.toThrow('at /webhooks/1/headers/1/name: duplicates /headers/0/name');
  });

  test('files that cannot be read or parsed', async () => {
    await expect(start(join(dir, 'missing.yaml'))).rejects.toThrow(/^config error: cannot read .*missing\.yaml/);
    await expect(start(file('bad.json', '{"tokens": ['))).rejects.toThrow(
      /^config error: .*bad\.json is not valid JSON/,
    );
    await expect(start(file('bad.yaml', 'tokens: [a\nwebhooks: }'))).rejects.toThrow(
      /^config error: .*bad\.yaml is not valid YAML/,
    );
  });
});

describe('the CLI', () => {
  function run(args: string[], env: Record<string, string> = {}) {
    const child = spawn(process.execPath, [CLI, '--port', '0', ...args], {
      cwd: ROOT,
      env: { ...process.env, ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk));
    return { child, output: () => ({ stdout, stderr }) };
  }

  async function listening(
    child: ChildProcess,
    output: () => { stdout: string },
  ): Promise<{ url: string; tokens: string[] }> {
    const exited = once(child, 'exit').then(([code]) => Promise.reject(new Error(`exited with ${code}`)));
    for (;;) {
      const line = output()
        .stdout.split('\n')
        .find((l) => l.startsWith('{') && output().stdout.includes(`${l}\n`));
      if (line !== undefined) return JSON.parse(line);
      await Promise.race([once(child.stdout!, 'data'), exited]);
    }
  }

  test('an invalid file exits with 2 and the JSON path of the problem', async () => {
    const bad = file('cli-bad.yaml', 'tokens:\n  - token: a\nwebhooks:\n  - token: a\n    url: http://a.example.com\n');
    const { child, output } = run(['--config', bad]);
    const [code] = await once(child, 'exit');
    expect(code).toBe(2);
    expect(output().stderr).toContain('config error at /webhooks/0/url: must be an https URL');
    expect(output().stdout).toBe('');
  });

  test('TITAN_MOCK_CONFIG names the file; --config wins over it', async () => {
    const good = file(
      'cli-good.yaml',
      `tokens:\n  - token: env-token\nwebhooks:\n  - token: env-token\n    url: ${receiver.url}/cli\n`,
    );
    const { child, output } = run(['--allow-private-urls'], {
      TITAN_MOCK_CONFIG: good,
      TITAN_MOCK_LOG_LEVEL: 'silent',
    });
    try {
      const info = await listening(child, output);
      expect(info.tokens).toEqual(['env-token']);
      const webhooks = await createTitanClient({ baseUrl: info.url, token: 'env-token' }).webhooks.list();
      expect(webhooks.map((webhook) => webhook.url)).toEqual([`${receiver.url}/cli`]);
    } finally {
      child.kill('SIGTERM');
      await once(child, 'exit');
    }

    const overridden = run(['--config', join(dir, 'missing.json')], { TITAN_MOCK_CONFIG: good });
    const [code] = await once(overridden.child, 'exit');
    expect(code).toBe(2);
    expect(overridden.output().stderr).toMatch(/config error: cannot read .*missing\.json/);
  });
});
