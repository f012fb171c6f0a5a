// The packages as a consumer gets them: `npm pack` tarballs installed together into a fresh project
// outside the repository, then loaded, type-checked and run from there. Runs on the build in dist/
// (`npm test` builds first).
import { execFile, execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { promisify } from 'node:util';
import ts from 'typescript';
import { readyLine } from '../helpers/ready-line.js';
import { cleanNpmEnv } from './npm.js';
import { nodeBinary, SUPPORTED_MAJORS } from './runtimes.js';

const ROOT = join(__dirname, '..', '..');
const FIXTURES = join(__dirname, 'consumer');
const PACKAGES = ['sdk', 'receiver', 'mock-server'] as const;
const REPOSITORY = 'https://github.com/titan-webhooks/titan-webhooks';
const execFileAsync = promisify(execFile);

// Each check starts processes (tsc, Node, npm) on a machine that may be busy.
jest.setTimeout(60_000);

interface Manifest {
  name: string;
  version: string;
  license: string;
  repository: { type: string; url: string; directory: string };
  homepage: string;
  bugs: { url: string };
  files: string[];
  exports: Record<string, unknown>;
  dependencies?: Record<string, string>;
  bin?: Record<string, string>;
  peerDependencies?: Record<string, string>;
}

interface Packed {
  name: string;
  filename: string;
  files: { path: string }[];
}

const readJson = <T>(file: string): T => JSON.parse(readFileSync(file, 'utf8')) as T;
const manifest = (folder: string) => readJson<Manifest>(join(ROOT, folder, 'package.json'));

let work: string;
let consumer: string;
const packed = new Map<string, Packed>();

/** The newest modification time under a folder. */
function newest(folder: string): number {
  return readdirSync(folder, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .reduce((latest, entry) => Math.max(latest, statSync(join(entry.parentPath, entry.name)).mtimeMs), 0);
}

beforeAll(() => {
  for (const folder of PACKAGES) {
    const built = join(ROOT, folder, 'dist', 'index.js');
    if (!existsSync(built) || statSync(built).mtimeMs < newest(join(ROOT, folder, 'src'))) {
      throw new Error(`${folder}/dist is older than ${folder}/src: run \`npm run build\` first`);
    }
  }
  work = mkdtempSync(join(tmpdir(), 'titan-packaging-'));
  const workspaces = PACKAGES.flatMap((folder) => ['-w', folder]);
  const packOutput = execFileSync(
    'npm',
    ['pack', '--json', '--ignore-scripts', '--pack-destination', work, ...workspaces],
    { cwd: ROOT, env: cleanNpmEnv(), encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] },
  );
  for (const entry of JSON.parse(packOutput) as Packed[]) packed.set(entry.name, entry);

  consumer = join(work, 'consumer');
  mkdirSync(consumer);
  writeFileSync(join(consumer, 'package.json'), '{"name": "titan-consumer", "private": true}\n');
  for (const file of readdirSync(FIXTURES)) copyFileSync(join(FIXTURES, file), join(consumer, file));
  // A consumer's own dependencies: Express for the receiver's middleware, Node's types for tsc, and
  // whatever optional peers an entry point needs. They come from the npm cache when it has them.
  const peers = PACKAGES.flatMap((folder) => Object.entries(manifest(folder).peerDependencies ?? {}));
  const installed = (name: string) => readJson<{ version: string }>(join(ROOT, 'node_modules', name, 'package.json'));
  execFileSync(
    'npm',
    [
      'install',
      '--no-audit',
      '--no-fund',
      '--prefer-offline',
      ...[...packed.values()].map((entry) => join(work, entry.filename)),
      `express@${installed('express').version}`,
      `@types/node@${installed('@types/node').version}`,
      ...peers.map(([name, range]) => `${name}@${range}`),
    ],
    { cwd: consumer, env: cleanNpmEnv(), stdio: 'pipe' },
  );
}, 240_000);

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

/** `@titan-webhooks/sdk`, `@titan-webhooks/sdk/mock`, ...: every entry point of every package's exports. */
function entryPoints(): string[] {
  return PACKAGES.flatMap((folder) => {
    const { name, exports } = manifest(folder);
    return Object.keys(exports)
      .filter((key) => key !== './package.json')
      .map((key) => name + key.slice(1));
  });
}

describe('the tarballs', () => {
  test.each(PACKAGES)(
    '%s ships its LICENSE, README, package.json, dist/ and bins only, with links to the repository',
    (folder) => {
      const pkg = manifest(folder);
      const paths = packed.get(pkg.name)!.files.map((file) => file.path);
      const bins = Object.values(pkg.bin ?? {}).map((path) => path.replace(/^\.\//, ''));
      expect(paths).toEqual(expect.arrayContaining(['LICENSE', 'README.md', 'package.json', ...bins]));
      expect(
        paths.filter(
          (path) => !['LICENSE', 'README.md', 'package.json', ...bins].includes(path) && !path.startsWith('dist/'),
        ),
      ).toEqual([]);
      expect(readFileSync(join(consumer, 'node_modules', pkg.name, 'LICENSE'), 'utf8')).toBe(
        readFileSync(join(ROOT, 'LICENSE'), 'utf8'),
      );
      expect(pkg.license).toBe('MIT');
      expect(pkg.repository).toEqual({ type: 'git', url: `git+${REPOSITORY}.git`, directory: folder });
      expect(pkg.homepage).toMatch(new RegExp(`^${REPOSITORY}/`));
      expect(pkg.bugs.url).toBe(`${REPOSITORY}/issues`);
    },
  );

  test('no declaration or module is shipped that no entry point or bin reaches', () => {
    // The CLI is ESM only and the runtime-specific HMAC modules are reached through "imports", untyped.
    const paths = [...packed.values()].flatMap((entry) => entry.files.map((file) => `${entry.name}/${file.path}`));
    expect(paths.filter((path) => /cli\.cjs$|cli\.d\.c?ts$|hmac\/\w+\.d\.c?ts$/.test(path))).toEqual([]);
  });

  test.each(PACKAGES)('the README of %s links nowhere outside the package by a relative path', (folder) => {
    const readme = readFileSync(join(ROOT, folder, 'README.md'), 'utf8');
    const targets = [...readme.matchAll(/\]\(([^)\s]+)/g)].map((match) => match[1]!);
    expect(targets.filter((target) => target.startsWith('..') || target.startsWith('/'))).toEqual([]);
  });

  test('the receiver and the mock server use the SDK tarball through a ^ range, one copy for all', () => {
    const sdk = manifest('sdk');
    for (const folder of ['receiver', 'mock-server']) {
      expect(manifest(folder).dependencies?.[sdk.name]).toBe(`^${sdk.version}`);
      expect(existsSync(join(consumer, 'node_modules', manifest(folder).name, 'node_modules', sdk.name))).toBe(false);
    }
    expect(readJson<Manifest>(join(consumer, 'node_modules', sdk.name, 'package.json')).version).toBe(sdk.version);
  });
});

describe('@arethetypeswrong/cli, with no problem kind ignored', () => {
  interface Report {
    problems: Record<string, unknown[]>;
    analysis: { entrypoints: object };
  }
  const reports = new Map<string, Report>();
  beforeAll(async () => {
    const attw = join(ROOT, 'node_modules', '@arethetypeswrong', 'cli', 'dist', 'index.js');
    await Promise.all(
      PACKAGES.map(async (folder) => {
        const tarball = join(work, packed.get(manifest(folder).name)!.filename);
        // attw exits 1 when it finds problems; the JSON report says which.
        const { stdout } = await execFileAsync(process.execPath, [attw, '--format', 'json', tarball]).catch(
          (error: { stdout: string }) => error,
        );
        reports.set(folder, JSON.parse(stdout) as Report);
      }),
    );
  });

  test.each(PACKAGES)('finds no problem in the %s tarball, for any entry point or resolution', (folder) => {
    const report = reports.get(folder)!;
    expect(Object.keys(report.analysis.entrypoints).length).toBeGreaterThan(0);
    expect(report.problems).toEqual({});
  });
});

describe('types for a consumer', () => {
  // The four programs share their parsed files (Node's types, the packages' declarations): one
  // compiler in this process takes half the time of four tsc runs.
  const parsed = new Map<string, ts.SourceFile | undefined>();
  function compile(files: string[], options: ts.CompilerOptions): string {
    const host = ts.createCompilerHost(options);
    // From the consumer's folder, as its own tsc would run: its node_modules/@types, not the repository's.
    host.getCurrentDirectory = () => consumer;
    const read = host.getSourceFile.bind(host);
    host.getSourceFile = (name, languageVersion, ...rest) => {
      const key = `${name} ${JSON.stringify(languageVersion)}`;
      if (!parsed.has(key)) parsed.set(key, read(name, languageVersion, ...rest));
      return parsed.get(key);
    };
    const program = ts.createProgram({ rootNames: files.map((file) => join(consumer, file)), options, host });
    return ts.formatDiagnostics(ts.getPreEmitDiagnostics(program), {
      getCanonicalFileName: (name) => name,
      getCurrentDirectory: () => consumer,
      getNewLine: () => '\n',
    });
  }

  // Per moduleResolution: the module setting it goes with, and the consumer files (ESM and CommonJS
  // where the resolution tells them apart).
  const modes = [
    ['nodenext', ts.ModuleKind.NodeNext, ts.ModuleResolutionKind.NodeNext, ['types.mts', 'types.cts']],
    ['node16', ts.ModuleKind.Node16, ts.ModuleResolutionKind.Node16, ['types.mts', 'types.cts']],
    ['bundler', ts.ModuleKind.ESNext, ts.ModuleResolutionKind.Bundler, ['types.ts']],
    ['node10', ts.ModuleKind.CommonJS, ts.ModuleResolutionKind.Node10, ['types.ts']],
  ] as const;

  test.each(modes)(
    'tsc with moduleResolution %s: every entry point typed, wrong uses refused',
    (_name, module, moduleResolution, files) => {
      for (const file of files) copyFileSync(join(consumer, 'types.ts'), join(consumer, file));
      const errors = compile([...files], {
        module,
        moduleResolution,
        target: ts.ScriptTarget.ES2022,
        strict: true,
        noEmit: true,
        types: ['node'],
        // Declarations that failed to compile would turn into `any`: the @ts-expect-error lines catch that.
        skipLibCheck: true,
      });
      expect(errors).toBe('');
    },
  );
});

describe.each(SUPPORTED_MAJORS)('on Node %i', (major) => {
  let node: string;
  beforeAll(() => {
    node = nodeBinary(major);
  }, 180_000);

  const run = async (args: string[]) => {
    const { stdout } = await execFileAsync(node, args, { cwd: consumer, encoding: 'utf8' });
    return JSON.parse(stdout) as Record<string, unknown>;
  };

  test('every entry point loads with import and with require, with the same exports', async () => {
    const entries = entryPoints();
    const viaImport = (await run(['entries.mjs', JSON.stringify(entries)])) as Record<string, string[]>;
    const viaRequire = (await run(['entries.cjs', JSON.stringify(entries)])) as Record<string, string[]>;
    expect(Object.keys(viaImport)).toEqual(entries);
    for (const entry of entries) expect(viaImport[entry]!.length).toBeGreaterThan(0);
    expect(viaRequire).toEqual(viaImport);
  });

  test('the client, the mock server and the receiver work together', async () => {
    const result = await run(['smoke.mjs']);
    expect(result).toMatchObject({
      node: expect.stringMatching(new RegExp(`^v${major}\\.`)),
      signedBodyVerifies: true,
      alteredBodyVerifies: false,
      received: [result.emitted],
      delivery: { status: 'succeeded', eventId: result.emitted },
    });
  });

  test('the installed titan-mock-server bin prints its ready line, serves the inspector and stops on SIGTERM', async () => {
    // The bin's `#!/usr/bin/env node` finds this Node first on the PATH.
    const env = { ...process.env, PATH: `${dirname(node)}${delimiter}${process.env.PATH}` };
    expect(execFileSync('node', ['--version'], { env, encoding: 'utf8' })).toMatch(new RegExp(`^v${major}\\.`));
    const bin = join(consumer, 'node_modules', '.bin', 'titan-mock-server');
    const child = spawn(bin, ['--port', '0', '--log-level', 'silent'], { cwd: consumer, env });
    const exited = once(child, 'exit');
    try {
      const ready = JSON.parse(await readyLine(child)) as { url: string; token: string; dashboard: string };
      expect(ready.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const health = await fetch(`${ready.url}/health`);
      expect(health.status).toBe(200);
      // The inspector's page and script come from the installed package's dist/.
      const page = await (await fetch(ready.dashboard)).text();
      const script = page.match(/src="(\/inspector\/app\.js\?v=\w+)"/)?.[1];
      const served = await fetch(`${ready.url}${script}`);
      expect([served.status, served.headers.get('content-type')]).toEqual([
        200,
        'application/javascript; charset=utf-8',
      ]);
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).toEqual([0, null]);
  });
});
