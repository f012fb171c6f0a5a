// The server's log format on stderr, chosen with --log-format (or TITAN_MOCK_LOG_FORMAT), read from the process.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';

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
      expect.stringMatching(/^\[\d\d:\d\d:\d\d\.\d{3}\] INFO: listening \{"url":"http:\/\/127.0.0.1:\d+",/),
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
