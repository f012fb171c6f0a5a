// The client commands of the titan-mock-server bin (mock-server/dist/cli.js, built by `npm run build`),
// run as processes against a real server: output, exit codes and messages.
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type MockServer, startMockServer } from '@titan-webhooks/mock-server';
import { createTitanClient, EVENT_EXAMPLES, type EventName, VERSION } from '@titan-webhooks/sdk';
import { start, stop } from '../helpers/cli.js';
import { startTestServer, type TestServer } from '../helpers/http-server.js';

const ROOT = join(__dirname, '..', '..');
const CLI = join(ROOT, 'mock-server', 'dist', 'cli.js');

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

let server: MockServer;
let receiver: TestServer;
let folder: string;

beforeAll(async () => {
  [server, receiver] = await Promise.all([
    startMockServer({ port: 0, allowPrivateUrls: true, timeScale: 0.001 }),
    startTestServer((req, res) => {
      res.statusCode = req.url === '/fail' ? 500 : 200;
      res.end();
    }),
  ]);
  folder = mkdtempSync(join(tmpdir(), 'titan-cli-'));
});
afterAll(async () => {
  await Promise.all([server.close(), receiver.close()]);
  rmSync(folder, { recursive: true, force: true });
});
beforeEach(async () => {
  await server.reset();
  receiver.requests.length = 0;
});

/** The server's own URL and token come from the environment, as a developer would export them. */
function cli(args: string[], { env = {}, input }: { env?: Record<string, string>; input?: string } = {}): Promise<Run> {
  const child = spawn(process.execPath, [CLI, ...args], {
    cwd: ROOT,
    env: { ...process.env, TITAN_MOCK_URL: server.url, TITAN_MOCK_TOKEN: server.token, ...env },
  });
  return collect(child, input);
}

async function collect(child: ChildProcessWithoutNullStreams, input?: string): Promise<Run> {
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk));
  child.stdin.end(input);
  const [code] = await once(child, 'exit');
  return { code, stdout, stderr };
}

const webhook = (path: string, events: EventName[] = ['message.received']) =>
  createTitanClient({ baseUrl: server.url, token: server.token, retry: false }).webhooks.create({
    url: `${receiver.url}${path}`,
    events,
    retries: { attempts: 1, delaySeconds: 1 },
  });

test('--version prints the version; serve is the server, as with no command', async () => {
  expect(await cli(['--version'])).toEqual({ code: 0, stdout: `${VERSION}\n`, stderr: '' });
  const help = await cli(['serve', '--help']);
  expect(help.code).toBe(0);
  expect(help.stdout).toMatch(/--allow-private-urls/);
  expect(help.stdout).toMatch(/deliveries \[--webhook <id>\]/);
});

describe('emit', () => {
  test('emits with a generated payload and lists the deliveries it made', async () => {
    const hook = await webhook('/ok');
    const run = await cli(['emit', 'message.received']);
    expect(run).toMatchObject({ code: 0, stderr: '' });
    const [delivery] = await server.deliveries();
    expect(run.stdout).toBe(
      `${JSON.parse(delivery!.request.body).id} message.received (session default): 1 delivery\n` +
        `  ${delivery!.id} -> webhook ${hook.id}\n`,
    );
  });

  test('--payload reads a file, or stdin with -; --session names the session', async () => {
    await webhook('/ok', ['chat.read']);
    const payload = { ...EVENT_EXAMPLES['chat.read'], unreadCount: 7 };
    const file = join(folder, 'payload.json');
    writeFileSync(file, JSON.stringify(payload));
    expect((await cli(['emit', 'chat.read', '--payload', file, '--session', 'sales'])).code).toBe(0);
    expect((await cli(['emit', 'chat.read', '--payload', '-'], { input: JSON.stringify(payload) })).code).toBe(0);
    const settled = await server.waitForDeliveries({ count: 2 });
    expect(settled.map((d) => JSON.parse(d.request.body))).toEqual([
      expect.objectContaining({ session: 'sales', payload }),
      expect.objectContaining({ session: 'default', payload }),
    ]);
  });

  test('a payload the event schema refuses is an API error: exit 1 with the first detail', async () => {
    const input = JSON.stringify({ ...EVENT_EXAMPLES['chat.read'], chatId: 5 });
    const run = await cli(['emit', 'chat.read', '--payload', '-'], { input });
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(
      'titan-mock-server: payload is not a valid chat.read payload: /payload/chatId: must be string (HTTP 400 validation_error)\n',
    );
  });

  test('--duplicates sends extra deliveries of the same event, each listed', async () => {
    const hook = await webhook('/ok');
    const run = await cli(['emit', 'message.received', '--duplicates', '2']);
    expect(run).toMatchObject({ code: 0, stderr: '' });
    const deliveries = await server.waitForDeliveries({ count: 3 });
    const [eventId] = new Set(deliveries.map((d) => d.eventId));
    expect(deliveries.map((d) => d.eventId)).toEqual([eventId, eventId, eventId]);
    expect(run.stdout).toBe(
      `${eventId} message.received (session default): 3 deliveries\n` +
        deliveries.map((d) => `  ${d.id} -> webhook ${hook.id}\n`).join(''),
    );
    expect(receiver.requests.filter((r) => r.url === '/ok')).toHaveLength(3);
  });

  test('usage errors exit 2 with a message saying what is wrong', async () => {
    const cases: [string[], RegExp][] = [
      [['emit', 'message.nope'], /unknown event "message.nope"; one of: message.received, /],
      [['emit', 'message.received', '--duplicates', 'two'], /--duplicates <n>.*a whole number is expected/],
      [['emit', 'message.received', '--payload', '/no/such/file.json'], /cannot read --payload \/no\/such\/file.json/],
      [['emit', 'message.received', '--payload', '-'], /--payload \(stdin\) is not JSON/],
      [['emit'], /missing required argument 'event'/],
      [['emits'], /unknown command 'emits'\n\(Did you mean emit\?\)/],
    ];
    // Side by side: each is a process start, the slow part.
    const runs = await Promise.all(cases.map(([args]) => cli(args, { input: 'not json' })));
    expect(runs.map(({ code, stderr }) => ({ code, stderr }))).toEqual(
      cases.map(([, message]) => ({ code: 2, stderr: expect.stringMatching(message) })),
    );
  });

  test('no token is a usage error; a wrong one an API error; an unreachable server an error too', async () => {
    const none = await cli(['emit', 'message.received'], { env: { TITAN_MOCK_TOKEN: '' } });
    expect(none).toMatchObject({ code: 2, stderr: expect.stringMatching(/a token is required: give --token/) });
    const wrong = await cli(['emit', 'message.received', '--token', 'nope']);
    expect(wrong).toMatchObject({ code: 1, stderr: expect.stringMatching(/\(HTTP 401 unauthorized\)\n$/) });
    const gone = await cli(['emit', 'message.received', '--url', `${receiver.url.replace(/\d+$/, '9')}`]);
    expect(gone).toMatchObject({
      code: 1,
      stderr: expect.stringMatching(/POST http:\/\/127.0.0.1:9\/_mock\/events failed/),
    });
  });
});

describe('deliveries', () => {
  async function twoSettled() {
    const ok = await webhook('/ok');
    const failing = await webhook('/fail');
    await server.emit('message.received');
    await server.waitForDeliveries({ count: 2 });
    return { ok, failing };
  }

  test('a table, oldest first, with the last outcome of each', async () => {
    expect(await cli(['deliveries'])).toEqual({ code: 0, stdout: 'no deliveries\n', stderr: '' });
    const { ok, failing } = await twoSettled();
    const run = await cli(['deliveries']);
    expect(run).toMatchObject({ code: 0, stderr: '' });
    const lines = run.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^ID\s+WEBHOOK\s+EVENT\s+STATUS\s+ATTEMPTS\s+STARTED\s+LAST$/);
    expect(lines.slice(1)).toEqual([
      expect.stringMatching(
        new RegExp(`^dlv_\\w+\\s+${ok.id}\\s+message.received\\s+succeeded\\s+1\\s+\\S+Z\\s+HTTP 200 in \\d+ ms$`),
      ),
      expect.stringMatching(
        new RegExp(`^dlv_\\w+\\s+${failing.id}\\s+message.received\\s+failed\\s+2\\s+\\S+Z\\s+HTTP 500 in \\d+ ms$`),
      ),
    ]);
  });

  test('--json prints one delivery a line; filters narrow the list', async () => {
    const { failing } = await twoSettled();
    const all = await cli(['deliveries', '--json']);
    expect(
      all.stdout
        .trimEnd()
        .split('\n')
        .map((line) => JSON.parse(line)),
    ).toEqual(await server.deliveries());
    const failed = await cli(['deliveries', '--json', '--status', 'failed', '--event', 'message.received']);
    expect(
      failed.stdout
        .trimEnd()
        .split('\n')
        .map((line) => JSON.parse(line).webhookId),
    ).toEqual([failing.id]);
    const byWebhook = await cli(['deliveries', '--json', '--webhook', String(failing.id)]);
    expect(
      byWebhook.stdout
        .trimEnd()
        .split('\n')
        .map((line) => JSON.parse(line).status),
    ).toEqual(['failed']);
  });

  /** A `deliveries --follow` process: its stdout lines and stderr as they come. */
  function follower(args: string[], env: Record<string, string> = {}) {
    const child = spawn(process.execPath, [CLI, 'deliveries', '--follow', ...args], {
      cwd: ROOT,
      env: { ...process.env, TITAN_MOCK_URL: server.url, TITAN_MOCK_TOKEN: server.token, ...env },
    });
    const lines: string[] = [];
    let buffered = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      buffered += chunk;
      const parts = buffered.split('\n');
      buffered = parts.pop()!;
      lines.push(...parts);
    });
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk));
    /** Resolves once `check` holds on what the process printed. */
    const until = (check: () => boolean) =>
      new Promise<void>((resolve) => {
        const test = () => check() && resolve();
        child.stdout.on('data', test);
        child.stderr.on('data', test);
        test();
      });
    return {
      child,
      lines,
      stderr: () => stderr,
      seen: (count: number) => until(() => lines.length >= count),
      said: (pattern: RegExp) => until(() => pattern.test(stderr)),
      async stop() {
        child.kill();
        if (child.exitCode === null && child.signalCode === null) await once(child, 'exit');
      },
    };
  }

  test('--follow prints each delivery once, when it settles, and keeps running', async () => {
    await webhook('/ok');
    const follow = follower(['--json']);
    try {
      await server.emit('message.received');
      await follow.seen(1);
      await server.emit('message.received');
      await follow.seen(2);
      // Later changes of the stream and a while more: nothing is printed twice.
      await new Promise((resolve) => setTimeout(resolve, 1200));
      const printed = follow.lines.map((line) => JSON.parse(line));
      expect(printed.map((d) => d.status)).toEqual(['succeeded', 'succeeded']);
      expect(printed.map((d) => d.id)).toEqual((await server.deliveries()).map((d) => d.id));
      expect(follow.child.exitCode).toBeNull();
    } finally {
      await follow.stop();
    }
  });

  test('--follow prints what settled before it started, then reconnects when the server restarts', async () => {
    const token = 'follow-restart';
    const options = { allowPrivateUrls: true, timeScale: 0.001, tokens: [token] };
    const first = await startMockServer({ port: 0, ...options });
    let second: MockServer | undefined;
    let follow: ReturnType<typeof follower> | undefined;
    try {
      const api = (url: string) => createTitanClient({ baseUrl: url, token, retry: false }).webhooks;
      await api(first.url).create({ url: `${receiver.url}/ok`, retries: { attempts: 1, delaySeconds: 1 } });
      await api(first.url).create({ url: `${receiver.url}/fail`, retries: { attempts: 1, delaySeconds: 1 } });
      await first.emit('message.received');
      await first.waitForDeliveries({ count: 2 });
      follow = follower(['--json', '--status', 'succeeded'], {
        TITAN_MOCK_URL: first.url,
        TITAN_MOCK_TOKEN: token,
      });
      await follow.seen(1);
      await first.close();
      await follow.said(/lost the live stream \(the server ended it\); reconnecting in 250 ms\n/);
      second = await startMockServer({ port: first.port, ...options });
      await follow.said(/reconnected to http:\/\/127.0.0.1:\d+\n/);
      await api(second.url).create({ url: `${receiver.url}/ok` });
      const { deliveries } = await second.emit('message.received');
      await follow.seen(2);
      // Only the succeeded ones, as --status asks: the failed delivery to /fail is never printed.
      expect(follow.lines.map((line) => JSON.parse(line).status)).toEqual(['succeeded', 'succeeded']);
      expect(JSON.parse(follow.lines[1]!).id).toBe(deliveries[0]!.id);
      expect(follow.child.exitCode).toBeNull();
    } finally {
      await follow?.stop();
      await Promise.all([first.close(), second?.close()]);
    }
  });

  test('--follow against a server that is not there exits 1 at once', async () => {
    const gone = await cli(['deliveries', '--follow', '--url', 'http://127.0.0.1:9']);
    expect(gone).toMatchObject({
      code: 1,
      stderr: expect.stringMatching(/^titan-mock-server: GET http:\/\/127.0.0.1:9\/_mock\/stream failed/),
    });
  });

  test('bad filters: usage errors exit 2, what only the server refuses exits 1', async () => {
    const cases: [string[], number, RegExp][] = [
      [['deliveries', '--status', 'lost'], 2, /argument 'lost' is invalid. Allowed choices are pending, succeeded/],
      [['deliveries', '--webhook', 'abc'], 2, /a webhook id is a positive whole number/],
      [['deliveries', '--follow', '--status', 'pending'], 2, /--status pending would never print one/],
      [['deliveries', '--event', 'message.nope'], 1, /\(HTTP 400 validation_error\)/],
    ];
    const runs = await Promise.all(cases.map(([args]) => cli(args)));
    expect(runs.map(({ code, stderr }) => ({ code, stderr }))).toEqual(
      cases.map(([, code, message]) => ({ code, stderr: expect.stringMatching(message) })),
    );
  });
});

describe('trigger and redeliver', () => {
  test('trigger runs a scenario in the given order and prints each event with its deliveries', async () => {
    const hook = await webhook('/ok', ['message.sent', 'message.ack']);
    const run = await cli(['trigger', 'message.outbound', '--order', 'reverse']);
    expect(run).toMatchObject({ code: 0, stderr: '' });
    const deliveries = await server.waitForDeliveries({ count: 4 });
    const bodies = deliveries.map((d) => JSON.parse(d.request.body) as { id: string; event: string });
    expect(bodies.map((b) => b.event)).toEqual(['message.ack', 'message.ack', 'message.ack', 'message.sent']);
    // The receiver got them in that order, one at a time.
    expect(receiver.requests.map((r) => JSON.parse(r.body).id)).toEqual(bodies.map((b) => b.id));
    expect(run.stdout).toBe(
      deliveries.map((d, i) => `${bodies[i]!.id} ${bodies[i]!.event}: ${d.id} -> webhook ${hook.id}\n`).join(''),
    );
  });

  test('an unknown scenario is an API error: exit 1 with the server message', async () => {
    const run = await cli(['trigger', 'no.such.scenario', '--order', 'reverse']);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^titan-mock-server: .+ \(HTTP 404 not_found\)\n$/);
  });

  test('--order takes only natural, reverse or shuffle', async () => {
    const run = await cli(['trigger', 'message.outbound', '--order', 'sideways']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/Allowed choices are natural, reverse, shuffle/);
  });

  test('redeliver starts a new delivery of the same event and prints its id: exit 0', async () => {
    const hook = await webhook('/ok');
    const { deliveries } = await server.emit('message.received');
    const [first] = await server.waitForDeliveries({ webhookId: hook.id });
    const run = await cli(['redeliver', deliveries[0]!.id]);
    expect(run).toMatchObject({ code: 0, stderr: '' });
    const [again] = await server.waitForDeliveries({ webhookId: hook.id, count: 2 }).then((all) => all.slice(1));
    expect(run.stdout).toBe(`${again!.id} -> webhook ${hook.id}\n`);
    expect(again).toMatchObject({
      status: 'succeeded',
      eventId: first!.eventId,
      request: { body: first!.request.body },
    });
  });

  test('redelivering an unknown delivery is an API error: exit 1', async () => {
    const run = await cli(['redeliver', 'dlv_unknown']);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^titan-mock-server: .+ \(HTTP 404 not_found\)\n$/);
  });
});

describe('a server started from the command line on this machine', () => {
  test('is found by the client commands of another terminal without a token, until it stops', async () => {
    const started = await start(['--port', '0', '--log-level', 'silent']);
    const file = join(process.env.TITAN_MOCK_HOME!, 'servers', `127.0.0.1_${new URL(started.info.url).port}.json`);
    // Only its user may read the token.
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const env = { TITAN_MOCK_URL: started.info.url, TITAN_MOCK_TOKEN: '' };
    const run = await cli(['trigger', 'message.outbound'], { env });
    expect(run).toMatchObject({ code: 0, stderr: '' });
    expect(run.stdout).toMatch(/message\.sent/);

    expect(await stop(started.child)).toBe(0);
    expect(existsSync(file)).toBe(false);
    const after = await cli(['trigger', 'message.outbound'], { env });
    expect(after).toMatchObject({ code: 2, stderr: expect.stringMatching(/no server started with titan-mock-server/) });
  });
});
