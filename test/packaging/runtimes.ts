// Node runtimes for the packaging tests: the one running jest, and the other supported majors from the
// npm registry's per-platform `node-<os>-<arch>` packages (what the `node` package itself installs).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cleanNpmEnv } from './npm.js';

/** The Node majors the packages support (their `engines`); every one must run, none may be skipped. */
export const SUPPORTED_MAJORS = [20, 22, 24] as const;

const ROOT = join(__dirname, '..', '..');
// Extracting a Node package takes half a minute; the extracted copy is kept for the next runs.
const CACHE = join(ROOT, 'node_modules', '.cache', 'titan-webhooks');

const PLATFORM_NAMES: Partial<Record<NodeJS.Platform, string>> = { linux: 'linux', darwin: 'darwin', win32: 'win' };

function versionOf(binary: string): string {
  return execFileSync(binary, ['--version'], { encoding: 'utf8' }).trim();
}

/** The path of a `node` binary of the given major version, fetched through npm when needed. */
export function nodeBinary(major: number): string {
  if (process.versions.node.split('.')[0] === String(major)) return process.execPath;
  const platform = PLATFORM_NAMES[process.platform];
  if (platform === undefined) throw new Error(`no Node ${major} package on npm for platform ${process.platform}`);
  const name = `node-${platform}-${process.arch}`;
  const folder = join(CACHE, `node-${major}`);
  const binary = join(folder, 'node_modules', name, 'bin', process.platform === 'win32' ? 'node.exe' : 'node');
  if (!existsSync(binary)) {
    mkdirSync(folder, { recursive: true });
    writeFileSync(join(folder, 'package.json'), '{"private": true}\n');
    try {
      execFileSync('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', `${name}@${major}`], {
        cwd: folder,
        env: cleanNpmEnv(),
        stdio: 'pipe',
      });
    } catch (error) {
      const { stderr } = error as { stderr?: Buffer };
      throw new Error(`cannot fetch Node ${major} (npm install ${name}@${major}): ${stderr?.toString() ?? error}`);
    }
  }
  const version = versionOf(binary);
  if (!version.startsWith(`v${major}.`)) throw new Error(`${binary} is ${version}, expected Node ${major}`);
  return binary;
}
