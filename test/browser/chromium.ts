// Finds a Chromium for the browser suites and launches it for a machine whose network is closed.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, chromium } from 'playwright-core';

/**
 * CHROMIUM_PATH when set (and then only it), else the Debian package's /usr/bin/chromium, else a
 * browser installed by Playwright itself (`npx playwright-core install chromium`).
 */
export function findChromium(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (env.CHROMIUM_PATH) return existsSync(env.CHROMIUM_PATH) ? env.CHROMIUM_PATH : undefined;
  return ['/usr/bin/chromium', chromium.executablePath()].find((path) => existsSync(path));
}

const NO_CHROMIUM =
  'no Chromium found; install one with `apt-get install chromium`, or set CHROMIUM_PATH to a Chromium binary';

const inCi = (env: NodeJS.ProcessEnv) => env.CI !== undefined && !/^(|0|false)$/i.test(env.CI);

/**
 * `describe` when a Chromium is found. Without one: on CI a failing test, elsewhere one line on
 * stderr and the suite skipped, so a developer without a browser can still run `npm test`.
 */
export function describeWithChromium(name: string, suite: (executablePath: string) => void): void {
  const executablePath = findChromium();
  if (executablePath !== undefined) {
    describe(name, () => suite(executablePath));
  } else if (inCi(process.env)) {
    test(`${name}: a Chromium is installed (required when CI is set)`, () => {
      throw new Error(`${NO_CHROMIUM}. CI is set, so the browser tests must run.`);
    });
  } else {
    process.stderr.write(`Browser tests skipped: ${NO_CHROMIUM}.\n`);
    describe.skip(name, () => suite(''));
  }
}

// The network is closed: these turn off everything Chromium would otherwise try to reach on its own.
const QUIET_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export interface Browser {
  context: BrowserContext;
  close(): Promise<void>;
}

/** A Chromium with a new empty profile, removed on close. */
export async function launchChromium(executablePath: string): Promise<Browser> {
  const profile = mkdtempSync(join(tmpdir(), 'titan-chromium-'));
  try {
    const context = await chromium.launchPersistentContext(profile, { executablePath, args: QUIET_FLAGS });
    return {
      context,
      async close() {
        await context.close();
        rmSync(profile, { recursive: true, force: true });
      },
    };
  } catch (error) {
    rmSync(profile, { recursive: true, force: true });
    throw error;
  }
}

/**
 * Lets the pages reach only loopback; every other request is aborted and recorded, so a test can
 * assert that none was attempted.
 */
export async function blockNetwork(context: BrowserContext): Promise<string[]> {
  const attempted: string[] = [];
  await context.route('**/*', (route) => {
    const { hostname, protocol } = new URL(route.request().url());
    const local = hostname === '127.0.0.1' || hostname === 'localhost' || hostname === '[::1]';
    if (local || protocol === 'data:' || protocol === 'blob:') return route.continue();
    attempted.push(route.request().url());
    return route.abort('blockedbyclient');
  });
  return attempted;
}
