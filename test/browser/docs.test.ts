// GET /docs in a real Chromium: both documents render from the server's own assets, offline.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { type MockServer, startMockServer } from '@titan-webhooks/mock-server';
import type { Page } from 'playwright-core';
import { type Browser, blockNetwork, describeWithChromium, launchChromium } from './chromium.js';

const ARTIFACTS = join(__dirname, '..', '..', 'test-artifacts');

// A browser starts in seconds, but on a busy machine the first page load can take several more.
jest.setTimeout(60_000);

describeWithChromium('the docs page', (executablePath) => {
  let server: MockServer;
  let browser: Browser;
  let page: Page;
  let attempted: string[];
  const fromServer: string[] = [];

  // One page load for all the tests below: it is the slow part.
  beforeAll(async () => {
    [server, browser] = await Promise.all([startMockServer({ port: 0 }), launchChromium(executablePath)]);
    attempted = await blockNetwork(browser.context);
    page = await browser.context.newPage();
    page.on('requestfinished', (request) => fromServer.push(new URL(request.url()).pathname));
    const response = await page.goto(`${server.url}/docs`);
    expect(response?.status()).toBe(200);
    // An operation of each document: the vendor API's create, the control API's emit.
    await page.locator('#api-ui').getByText('Create a webhook').waitFor();
    await page.locator('#control-ui').getByText('/_mock/events', { exact: true }).waitFor();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  test('renders the operations of the API and of the control API', async () => {
    expect(await page.locator('#api-ui').getByText('/api/webhooks/{id}', { exact: true }).count()).toBeGreaterThan(0);
    expect(await page.locator('#control-ui').getByText('Emit an event').isVisible()).toBe(true);
    expect(await page.locator('#control-ui').getByText('/_mock/deliveries', { exact: true }).isVisible()).toBe(true);
    // Kept for a look by eye; test-artifacts/ is git-ignored.
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS, 'docs.png'), fullPage: true });
  });

  test('every request went to the mock server itself: none was even attempted elsewhere', () => {
    expect(attempted).toEqual([]);
    expect(fromServer).toEqual(
      expect.arrayContaining([
        '/docs',
        '/docs/assets/swagger-ui.css',
        '/docs/assets/swagger-ui-bundle.js',
        '/openapi.json',
        '/_mock/openapi.json',
      ]),
    );
  });

  test('"Try it out" targets this server, whatever its port', async () => {
    for (const ui of ['#api-ui', '#control-ui']) {
      expect(await page.locator(`${ui} .servers select option`).allTextContents()).toEqual([
        expect.stringContaining(server.url),
      ]);
    }
  });
});
