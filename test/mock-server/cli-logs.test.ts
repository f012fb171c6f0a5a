// The server's log format on stderr, chosen with --log-format (or TITAN_MOCK_LOG_FORMAT), read from the process.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { createTitanClient } from '@titan-webhooks/sdk';
import { createMockControl } from '@titan-webhooks/sdk/mock';
import { start, stop } from '../helpers/cli.js';
import { startTestServer } from '../helpers/http-server.js';

const ROOT = join(__dirname, '..', '..');
const CLI = join(ROOT, 'mock-server', 'dist', 'cli.js');

/** Starts the server, requests /health once it is listening, stops it, and returns its stderr. */
async function logsOf(args: string[], env: Record<string, string> = {}): Promise<string> {
  const child = spawn(process.execPath, [CLI, '--port', '0', ...args], { cwd: ROOT, env: { ...process.env, ...env } });
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk));
  const ready = new Promise<{ url: string }>((resolve) =>
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk;
      if (stdout.includes('\n')) resolve(JSON.parse(stdout.slice(0, stdout.indexOf('\n'))));
    }),
  );
  const exited = once(child, 'exit');
  const { url } = await Promise.race([ready, exited.then(() => Promise.reject(new Error(stderr)))]);
  await (await fetch(`${url}/health`)).text();
  child.kill('SIGTERM');
  expect((await exited)[0]).toBe(0);
  return stderr;
}

test('--log-format json: one JSON object a line', async () => {
  const lines = (await logsOf(['--log-format', 'json'])).trimEnd().split('\n');
  const entries = lines.map((line) => JSON.parse(line));
  expect(entries).toEqual(
    expect.arrayContaining([
      expect.objectContaining({ level: 30, msg: 'listening', url: expect.stringMatching(/^http:\/\/127.0.0.1:/) }),
      expect.objectContaining({ msg: 'request', method: 'GET', path: '/health', status: 200 }),
      expect.objectContaining({ msg: 'closed' }),
    ]),
  );
});

test('--log-format pretty: a readable line per entry, time and level first', async () => {
  const lines = (await logsOf(['--log-format', 'pretty'])).trimEnd().split('\n');
  expect(lines).toEqual(
    expect.arrayContaining([
      expect.stringMatching(
        /^\[\d\d:\d\d:\d\d\.\d{3}\] INFO: listening \{"url":"(http:\/\/127.0.0.1:\d+)","dashboard":"\1\/#token=titan_dev_\w+",/,
      ),
      expect.stringMatching(/^\[[\d:.]+\] INFO: request \{"method":"GET","path":"\/health","status":200,"ms":\d+\}$/),
      expect.stringMatching(/^\[[\d:.]+\] INFO: closed$/),
    ]),
  );
  expect(lines.filter((line) => line.startsWith('{'))).toEqual([]);
  // No colours when stderr is not a terminal.
  expect(lines.join('\n')).not.toContain('\u001b[');
});

test('stderr not a terminal: json by default; TITAN_MOCK_LOG_FORMAT chooses too', async () => {
  expect(JSON.parse((await logsOf([])).split('\n')[0]!)).toMatchObject({ msg: 'listening' });
  expect((await logsOf([], { TITAN_MOCK_LOG_FORMAT: 'pretty' })).split('\n')[0]).toMatch(
    /^\[[\d:.]+\] INFO: listening/,
  );
});

test('an unknown format is a usage error', async () => {
  const child = spawn(process.execPath, [CLI, '--port', '0', '--log-format', 'xml'], { cwd: ROOT });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk));
  const [code] = await once(child, 'exit');
  expect(code).toBe(2);
  expect(stderr).toBe('titan-mock-server: invalid log format xml: one of pretty, json\n');
});

test('on a terminal the default is pretty, in colour', async () => {
  // util-linux's script(1) runs the server with a pseudo-terminal as its stdout and stderr.
  const command = `${JSON.stringify(process.execPath)} ${JSON.stringify(CLI)} --port 0`;
  const child = spawn('script', ['-qec', command, '/dev/null'], { cwd: ROOT, detached: true });
  let output = '';
  const exited = once(child, 'exit');
  try {
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (chunk: Buffer) => {
        output += chunk;
        if (/"token":/.test(output)) resolve();
      });
      exited.then(() => reject(new Error(`exited before listening: ${output}`)), reject);
    });
  } finally {
    process.kill(-child.pid!, 'SIGTERM');
    await exited;
  }
  const logLine = output.split(/\r?\n/).find((line) => line.includes('listening'));
  const esc = '\u001b';
  expect(logLine).toMatch(/^\[[\d:.]+\] /);
  expect(logLine).toContain(`${esc}[32mINFO${esc}[39m: ${esc}[36mlistening${esc}[39m `);
});

test('at info: a line per emit, per finished attempt and per delivery that gives up', async () => {
  const receiver = await startTestServer((req, res) => res.writeHead(req.url === '/ok' ? 200 : 500).end());
  const { child, info } = await start([
    '--port',
    '0',
    '--log-format',
    'json',
    '--allow-private-urls',
    '--time-scale',
    '0.01',
  ]);
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk));
  const ids = { ok: 0, failing: 0, event: '' };
  try {
    const titan = createTitanClient({ baseUrl: info.url, token: info.token });
    ids.ok = (await titan.webhooks.create({ url: `${receiver.url}/ok` })).id;
    ids.failing = (
      await titan.webhooks.create({
        url: `${receiver.url}/fail`,
        retries: { attempts: 1, delaySeconds: 1, policy: 'constant' },
      })
    ).id;
    const mock = createMockControl({ baseUrl: info.url, token: info.token });
    ids.event = (await mock.emit('message.received')).event.id;
    for (let tries = 0; (await mock.deliveries({ status: 'pending' })).length > 0; tries++) {
      if (tries > 100) throw new Error('deliveries still pending after 10 s');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  } finally {
    expect(await stop(child)).toBe(0);
    await receiver.close();
  }
  const entries = stderr
    .trimEnd()
    .split('\n')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
  const of = (msg: string) => entries.filter((entry) => entry.msg === msg);
  expect(of('emit')).toEqual([
    expect.objectContaining({ level: 30, event: 'message.received', eventId: ids.event, deliveries: 2 }),
  ]);
  expect(of('attempt succeeded')).toEqual([
    expect.objectContaining({ level: 30, webhookId: ids.ok, attempt: 1, statusCode: 200, error: null }),
  ]);
  expect(of('attempt failed')).toEqual([
    expect.objectContaining({ level: 40, webhookId: ids.failing, attempt: 1, statusCode: 500 }),
    expect.objectContaining({ level: 40, webhookId: ids.failing, attempt: 2, statusCode: 500 }),
  ]);
  expect(of('delivery failed: no retries left')).toEqual([
    expect.objectContaining({ level: 40, event: 'message.received', webhookId: ids.failing, attempts: 2 }),
  ]);
  for (const entry of [...of('attempt succeeded'), ...of('attempt failed')]) {
    expect(entry).toMatchObject({ event: 'message.received', deliveryId: expect.stringMatching(/^dlv_/) });
    expect(typeof entry.durationMs).toBe('number');
  }
});
