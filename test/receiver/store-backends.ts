/**
 * The databases behind the shared dedupe store tests: a real Postgres (PGlite speaking the wire
 * protocol on a loopback port, or DATABASE_URL) and a real Redis (a redis-server started here on a
 * free port, or REDIS_URL).
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { basename, join } from 'node:path';
import { createInterface } from 'node:readline';
import { build } from 'esbuild';

export interface Backend {
  /** What the receiver processes connect to. */
  url: string;
  stop(): Promise<void>;
}

/**
 * PGlite behind a socket server, in a child process: a Postgres that `pg` connects to, with no
 * service to install. `script` is apps/pglite-server.ts, passed by callers that are ES modules.
 */
export async function startPglite(script = join(__dirname, 'apps', 'pglite-server.ts')): Promise<Backend> {
  const child = spawn(process.execPath, ['--import', 'tsx', script], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  // Compiling its WebAssembly takes seconds, and much longer on a busy machine.
  const line = await firstLine(child, 90_000);
  return { url: (JSON.parse(line) as { url: string }).url, stop: () => stopProcess(child) };
}

/**
 * `entry` (a test app written in TypeScript against the packages' source) bundled into one ES module,
 * so child processes start in plain node in a blink instead of compiling the sources each time. It
 * lands in node_modules/.cache so that the drivers it leaves external (pg, redis) resolve from there.
 */
export async function bundleApp(entry: string): Promise<string> {
  const outfile = join(__dirname, '..', '..', 'node_modules', '.cache', 'titan-tests', `${basename(entry, '.ts')}.mjs`);
  await build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    external: ['pg', 'redis'],
    logLevel: 'error',
  });
  return outfile;
}

/** Whether a redis-server binary is on PATH. */
export function hasRedisServer(): boolean {
  try {
    execFileSync('redis-server', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** A throwaway redis-server on a free loopback port, with nothing saved to disk. */
export async function startRedisServer(): Promise<Backend> {
  const port = await freePort();
  const child: ChildProcess = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  await new Promise<void>((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => reject(new Error(`redis-server did not start:\n${output}`)), 10_000);
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('Ready to accept connections')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`redis-server exited with ${code}:\n${output}`));
    });
  });
  return { url: `redis://127.0.0.1:${port}`, stop: () => stopProcess(child) };
}

/** The first line a child prints, or an error if it exits or stays silent for `timeoutMs`. */
export function firstLine(child: ChildProcess, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`a child process printed nothing within ${timeoutMs} ms`)),
      timeoutMs,
    );
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`a child process exited with ${code} before it was ready`));
    });
    createInterface({ input: child.stdout! }).once('line', (line) => {
      clearTimeout(timer);
      resolve(line);
    });
  });
}

function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}
