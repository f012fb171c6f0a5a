/** The built CLI (mock-server/dist/cli.js, built by `npm run build`) as a child process. */
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { readyLine } from './ready-line.js';

export const ROOT = join(__dirname, '..', '..');
export const CLI = join(ROOT, 'mock-server', 'dist', 'cli.js');

export interface Started {
  child: ChildProcessWithoutNullStreams;
  info: { url: string; token: string; tokens: string[]; dashboard: string };
}

/** Spawns the CLI and resolves with the first JSON line it prints on stdout. */
export function start(
  args: string[],
  env: Record<string, string> = {},
  command: string[] = [process.execPath, CLI],
): Promise<Started> {
  // Its own process group, so stopping `npm start` reaches the node process npm started too.
  const child = spawn(command[0]!, [...command.slice(1), ...args], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    detached: true,
  });
  return readyLine(child).then((line) => ({ child, info: JSON.parse(line) }));
}

/** Runs the CLI to its end. */
export async function run(
  args: string[],
  env: Record<string, string> = {},
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [CLI, ...args], { cwd: ROOT, env: { ...process.env, ...env } });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk));
  const [code] = await once(child, 'exit');
  return { code, stdout, stderr };
}

export async function stop(
  child: ChildProcessWithoutNullStreams,
  signal: NodeJS.Signals = 'SIGTERM',
): Promise<number | null> {
  const exited = once(child, 'exit');
  process.kill(-child.pid!, signal);
  const [code] = await exited;
  return code;
}
