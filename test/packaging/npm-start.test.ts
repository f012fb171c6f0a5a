// `npm start` runs the mock server from the built CLI; stopping npm must stop the server too, as a
// process manager or a terminal's Ctrl-C expects. Runs on the build in dist/.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { readyLine } from '../helpers/ready-line.js';
import { cleanNpmEnv } from './npm.js';

const ROOT = join(__dirname, '..', '..');

/** Whether any process of the group is still alive. */
function groupAlive(groupId: number): boolean {
  try {
    process.kill(-groupId, 0);
    return true;
  } catch {
    return false;
  }
}

/** Polls `check` until it holds, for at most `timeoutMs`. */
async function eventually(check: () => Promise<boolean> | boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return true;
    await sleep(100);
  }
  return check();
}

test('SIGTERM to `npm start` stops the server it started', async () => {
  // Its own process group: the test signals npm alone, and can check that nothing of the group is left.
  const npm = spawn('npm', ['start', '--', '--port', '0', '--log-level', 'silent'], {
    cwd: ROOT,
    env: cleanNpmEnv(),
    detached: true,
  });
  const groupId = npm.pid!;
  try {
    const { url } = JSON.parse(await readyLine(npm)) as { url: string };
    expect((await fetch(`${url}/health`)).status).toBe(200);

    const npmExited = once(npm, 'exit');
    process.kill(npm.pid!, 'SIGTERM');
    await npmExited;
    const refused = () =>
      fetch(`${url}/health`).then(
        () => false,
        () => true,
      );
    expect(await eventually(refused, 10_000)).toBe(true);
    expect(await eventually(() => !groupAlive(groupId), 10_000)).toBe(true);
  } finally {
    // Whatever the outcome, leave no server behind.
    if (groupAlive(groupId)) process.kill(-groupId, 'SIGKILL');
  }
});
