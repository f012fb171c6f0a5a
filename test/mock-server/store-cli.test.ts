// The --data file through the real CLI: refusals at start (exit 2), the lock, and an attempt cut by SIGKILL.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { run, start, stop } from '../helpers/cli.js';
import { tempDataFile } from '../helpers/delivery-engine.js';
import { startTestServer } from '../helpers/http-server.js';

let data: ReturnType<typeof tempDataFile>;
beforeEach(() => {
  data = tempDataFile();
});
afterEach(() => data.remove());

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function expectRefused(args: string[], message: RegExp, env: Record<string, string> = {}): Promise<void> {
  const { code, stdout, stderr } = await run(['--port', '0', ...args], env);
  expect(code).toBe(2);
  expect(stdout).toBe('');
  expect(stderr).toMatch(message);
  expect(stderr.trim().split('\n')).toHaveLength(1);
}

test('a file held by another running server is refused; SIGKILL of the holder frees it', async () => {
  const { child, info } = await start(['--port', '0', '--data', data.file]);
  await expectRefused(['--data', data.file], /in use by another running mock server/);
  await expectRefused([], /in use by another running mock server/, { TITAN_MOCK_DATA: data.file });
  await stop(child, 'SIGKILL');
  const again = await start(['--port', '0', '--data', data.file]);
  expect(again.info.token).toBe(info.token);
  expect(await stop(again.child)).toBe(0);
});

test('a file written by a newer version is refused', async () => {
  const db = new Database(data.file);
  db.pragma('user_version = 999');
  db.close();
  await expectRefused(['--data', data.file], /newer version/);
});

test.each<[string, (dir: string) => string, RegExp]>([
  ['a folder', (dir) => dir, /is a folder/],
  ['a missing folder', (dir) => join(dir, 'missing', 'mock.db'), /does not exist/],
  [
    'a place under a file',
    (dir) => {
      writeFileSync(join(dir, 'plain'), 'x');
      return join(dir, 'plain', 'mock.db');
    },
    /cannot be used: ENOTDIR/,
  ],
  [
    'a file that is not a data file',
    (dir) => {
      writeFileSync(join(dir, 'notes.txt'), 'these are not the tables you are looking for '.repeat(100));
      return join(dir, 'notes.txt');
    },
    /not a mock server data file/,
  ],
])('--data naming %s is refused', async (_name, path, message) => {
  await expectRefused(['--data', path(join(data.file, '..'))], message);
});

test('--retain-deliveries must be a whole number of at least 1', async () => {
  await expectRefused(['--retain-deliveries', '0'], /retention/);
  await expectRefused(['--retain-deliveries', 'many'], /retain-deliveries/);
  await expectRefused([], /TITAN_MOCK_RETAIN_DELIVERIES/, { TITAN_MOCK_RETAIN_DELIVERIES: '-3' });
});

test('an attempt on the wire when the process is killed is recorded as interrupted, then retried', async () => {
  const receiver = await startTestServer(() => undefined); // holds every request open
  const args = ['--port', '0', '--data', data.file, '--allow-private-urls', '--time-scale', '0.01'];
  try {
    const first = await start(args);
    const auth = { authorization: `Bearer ${first.info.token}`, 'content-type': 'application/json' };
    const created = await fetch(`${first.info.url}/api/webhooks`, {
      method: 'POST',
      headers: auth,
      body: JSON.stringify({ url: receiver.url, retries: { attempts: 2, delaySeconds: 1, policy: 'constant' } }),
    });
    expect(created.status).toBe(201);
    const emitted = await fetch(`${first.info.url}/_mock/events`, {
      method: 'POST',
      headers: auth,
      body: JSON.stringify({ event: 'chat.read' }),
    });
    const [{ id }] = (await emitted.json()).data.deliveries;
    while (receiver.requests.length === 0) await sleep(10);
    await stop(first.child, 'SIGKILL');

    receiver.handle((_req, res) => res.writeHead(200).end());
    const second = await start(args);
    try {
      let delivery: { status: string; attempts: { statusCode: number | null; error: string | null }[] };
      do {
        await sleep(20);
        const res = await fetch(`${second.info.url}/_mock/deliveries/${id}`, { headers: auth });
        delivery = (await res.json()).data;
      } while (delivery.status === 'pending');
      expect(delivery.status).toBe('succeeded');
      expect(delivery.attempts).toMatchObject([
        { attempt: 1, statusCode: null, error: 'interrupted', durationMs: null, nextRetryAt: expect.any(String) },
        { attempt: 2, statusCode: 200, error: null },
      ]);
      expect(receiver.requests.map((r) => r.headers['x-webhook-attempt'])).toEqual(['1', '2']);
    } finally {
      await stop(second.child);
    }
  } finally {
    await receiver.close();
  }
});
