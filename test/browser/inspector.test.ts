// The inspector at GET / in a real Chromium, against the built CLI as `npm start` runs it: signed in
// from the ready line's link, it shows webhooks and deliveries live, emits, redelivers and shows
// every try with the receiver's answer. Runs on the build in mock-server/dist (`npm test` builds first).
import { mkdirSync, readdirSync, statSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import { join } from 'node:path';
import { signPayload } from '@titan-webhooks/sdk';
import type { Page } from 'playwright-core';
import { CLI, ROOT, type Started, start, stop } from '../helpers/cli.js';
import { type RecordedRequest, startTestServer, type TestServer } from '../helpers/http-server.js';
import { type Browser, blockNetwork, describeWithChromium, launchChromium } from './chromium.js';

const ARTIFACTS = join(ROOT, 'test-artifacts');
const BUNDLE = join(ROOT, 'mock-server', 'dist', 'inspector', 'app.js');

// A browser starts in seconds, but on a busy machine the first page load can take several more.
jest.setTimeout(60_000);

/** The newest modification time under a folder. */
function newest(folder: string): number {
  return readdirSync(folder, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .reduce((latest, entry) => Math.max(latest, statSync(join(entry.parentPath, entry.name)).mtimeMs), 0);
}

/**
 * A receiver that holds every request until the test answers it, so each state the page passes
 * through (pending, each failed try) lasts until the test has seen it.
 */
function heldReceiver(server: TestServer) {
  const waiting: { request: RecordedRequest; res: ServerResponse }[] = [];
  const arrivals: (() => void)[] = [];
  server.handle((request, res) => {
    waiting.push({ request, res });
    arrivals.shift()?.();
  });
  return {
    /** The next request to arrive (or already waiting), held. */
    async next() {
      if (waiting.length === 0) await new Promise<void>((resolve) => arrivals.push(resolve));
      return waiting.shift()!;
    },
  };
}

function answer(res: ServerResponse, status: number, body: string, headers: Record<string, string> = {}) {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(body);
}

describeWithChromium('the inspector', (executablePath) => {
  let server: Started;
  let receiver: TestServer;
  let browser: Browser;
  let page: Page;
  let attempted: string[];

  const api = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${server.info.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${server.info.token}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: response.status, body: await response.json() };
  };
  const createWebhook = async (fields: Record<string, unknown>) => {
    const created = await api('POST', '/api/webhooks', { url: `${receiver.url}/hook`, ...fields });
    expect(created.status).toBe(201);
    return created.body.data as { id: number };
  };
  const row = (text: string) => page.locator('.delivery-table tbody tr', { hasText: text });
  const detail = () => page.locator('section.detail');
  const emitForm = () => page.getByRole('region', { name: 'Emit an event' });
  /** Focus moves once the page has rendered what a key press opened: a frame or two later. */
  const focusOn = (id: string) =>
    page.waitForFunction((expected) => document.activeElement?.id === expected, id, { timeout: 5000 });
  /** After a reset, which the stream does not report: the table empties once reloaded. */
  const resetAndReload = async () => {
    await api('POST', '/_mock/reset');
    await page.getByRole('button', { name: 'Reload' }).click();
    await page.locator('.delivery-table tbody tr').first().waitFor({ state: 'detached' });
  };

  beforeAll(async () => {
    if (
      statSync(BUNDLE, { throwIfNoEntry: false }) === undefined ||
      statSync(CLI).mtimeMs < newest(join(ROOT, 'mock-server', 'src'))
    ) {
      throw new Error('mock-server/dist is missing or older than mock-server/src: run `npm run build` first');
    }
    // Short retry waits: with --time-scale 0.05 the 1 s delay of the retry test is 50 ms.
    [server, receiver, browser] = await Promise.all([
      start(['--port', '0', '--allow-private-urls', '--time-scale', '0.05', '--log-level', 'silent']),
      startTestServer(),
      launchChromium(executablePath),
    ]);
    attempted = await blockNetwork(browser.context);
    page = await browser.context.newPage();
    // Every wait below is for something the page shows within a second or two: fail well before jest's timeout.
    page.setDefaultTimeout(10_000);
    await page.setViewportSize({ width: 1400, height: 1000 });
  });
  afterAll(async () => {
    await browser?.close();
    await receiver?.close();
    if (server) await stop(server.child);
  });

  test("the ready line's dashboard link opens the inspector signed in, and the token leaves the address bar", async () => {
    expect(server.info).toMatchObject({ dashboard: `${server.info.url}/#token=${server.info.token}` });
    const response = await page.goto(server.info.dashboard);
    expect(response?.status()).toBe(200);
    await page.getByRole('heading', { name: 'Deliveries' }).waitFor();
    await page
      .getByRole('status')
      .filter({ hasText: /^Live$/ })
      .waitFor();
    expect(page.url()).toBe(`${server.info.url}/`);
  });

  test('a webhook created through the API appears', async () => {
    const webhook = await createWebhook({ label: 'orders', events: ['message.received', 'message.sent'] });
    const item = page.locator('.webhook', { hasText: `#${webhook.id}` });
    await item.waitFor();
    expect(await item.textContent()).toContain(`${receiver.url}/hook`);
    expect(await item.textContent()).toContain('message.received, message.sent');
  });

  test('emit from the form: the delivery appears pending, then succeeded, live', async () => {
    await api('POST', '/_mock/reset');
    await createWebhook({ label: 'my-app', hmacKey: 'a-key-of-16-chars-or-more' });
    const held = heldReceiver(receiver);
    await emitForm().getByLabel('Event').selectOption('message.sent');
    const payload = JSON.parse(await emitForm().getByLabel('Payload').inputValue());
    expect(payload).toHaveProperty('id');
    await emitForm()
      .getByLabel('Payload')
      .fill(JSON.stringify({ ...payload, text: 'from the inspector' }));
    await emitForm().getByRole('button', { name: 'Emit' }).click();
    await emitForm().getByRole('status').filter({ hasText: 'Emitted message.sent' }).waitFor();

    const { request, res } = await held.next();
    await row('message.sent').filter({ hasText: 'pending' }).waitFor();
    expect(JSON.parse(request.body).payload.text).toBe('from the inspector');
    answer(res, 200, '{"received":true}', { 'x-receiver': 'test' });
    await row('message.sent').filter({ hasText: 'succeeded' }).waitFor();
  });

  test("open it: the request, the tries and the receiver's response", async () => {
    await row('message.sent').getByRole('button').click();
    await detail().getByText('Try 1: HTTP 200').waitFor();
    const text = await detail().textContent();
    expect(text).toMatch(/x-webhook-signaturesha256=[0-9a-f]{64}/);
    expect(text).toContain('"text": "from the inspector"');
    expect(text).toContain(`${receiver.url}/hook`);
    // What the receiver answered, headers and body.
    expect(text).toContain('x-receiver');
    expect(text).toContain('"received": true');
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS, 'inspector.png'), fullPage: true });
  });

  test('redeliver: a new delivery of the same event opens, and the receiver gets the same event id', async () => {
    const first = (await detail().getByRole('heading', { level: 2 }).textContent())!.replace('Delivery ', '');
    receiver.handle((_request, res) => answer(res, 200, '{}'));
    const before = receiver.requests.length;
    await detail().getByRole('button', { name: 'Redeliver' }).click();
    await detail()
      .getByRole('heading', { level: 2, name: /^Delivery dlv_/ })
      .filter({ hasNotText: first })
      .waitFor();
    await detail().getByText('Try 1: HTTP 200').waitFor();
    expect(await row('message.sent').count()).toBe(2);
    const [original, again] = receiver.requests.slice(before - 1);
    expect(again!.headers['x-webhook-id']).toBe(original!.headers['x-webhook-id']);
    expect(again!.body).toBe(original!.body);
  });

  test("a failing receiver's retries appear one by one, then the delivery fails", async () => {
    await resetAndReload();
    await createWebhook({ retries: { attempts: 2, delaySeconds: 1, policy: 'constant' } });
    const held = heldReceiver(receiver);
    await api('POST', '/_mock/events', { event: 'call.missed' });
    await row('call.missed').getByRole('button').click();
    for (const attempt of [1, 2, 3]) {
      const { res } = await held.next();
      // The try is shown while it is on the wire, and no later one exists yet.
      await detail().getByText(`Try ${attempt}: on the wire`).waitFor();
      expect(await detail().locator('.attempt').count()).toBe(attempt);
      answer(res, 500, `{"error":"boom ${attempt}"}`);
      await detail().getByText(`Try ${attempt}: HTTP 500`).waitFor();
      expect(await detail().getByText(`boom ${attempt}`).isVisible()).toBe(true);
    }
    await detail().locator('.status', { hasText: 'failed' }).waitFor();
    await row('call.missed').filter({ hasText: 'failed' }).waitFor();
    expect(await row('call.missed').locator('td').nth(2).textContent()).toBe('3');
    await page.screenshot({ path: join(ARTIFACTS, 'inspector-retries.png'), fullPage: true });
  });

  test('with the keyboard alone: from the filters to a delivery, redeliver, and back', async () => {
    receiver.handle((_request, res) => answer(res, 200, '{}'));
    await detail().getByRole('button', { name: 'Close' }).click();
    await page.getByLabel('Status').focus();
    // "Clear filters" is disabled with no filter set, so the next stop is the newest delivery.
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toContain('call.missed');
    await page.keyboard.press('Enter');
    await focusOn('detail-title');
    // Redeliver comes with the delivery, a request away.
    await detail().getByRole('button', { name: 'Redeliver' }).waitFor();
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Close');
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Redeliver');
    await page.keyboard.press('Enter');
    await page.locator('.delivery-table tbody tr').nth(1).waitFor();
    await focusOn('detail-title');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await focusOn('deliveries-title');
    expect(await detail().count()).toBe(0);
  });

  test('filters narrow the table, and a webhook button shows only its deliveries', async () => {
    const rows = page.locator('.delivery-table tbody tr');
    await page.getByLabel('Status').selectOption('failed');
    await rows.filter({ hasText: 'succeeded' }).first().waitFor({ state: 'detached' });
    expect(await rows.allTextContents()).toEqual([expect.stringContaining('failed')]);
    await page.getByRole('button', { name: 'Clear filters' }).click();
    await rows.nth(1).waitFor();

    const other = await createWebhook({ label: 'other' });
    await api('POST', '/_mock/events', { event: 'group.update' });
    await rows.filter({ hasText: 'group.update' }).nth(1).waitFor();
    await page.getByRole('button', { name: `Show deliveries of webhook #${other.id}` }).click();
    await rows.filter({ hasText: 'call.missed' }).first().waitFor({ state: 'detached' });
    expect(await rows.allTextContents()).toEqual([expect.stringMatching(new RegExp(`^group\\.update.*#${other.id}`))]);
    expect(await page.getByLabel('Webhook', { exact: true }).inputValue()).toBe(String(other.id));
    await page.getByRole('button', { name: 'Clear filters' }).click();
    await rows.nth(3).waitFor();
  });

  test('readable in a 400 px wide window: one column, nothing wider than the window', async () => {
    await page.setViewportSize({ width: 400, height: 900 });
    await row('call.missed').first().getByRole('button').click();
    await detail().getByText('Try 1').waitFor();
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(400);
    for (const name of ['Emit', 'Redeliver']) {
      const box = await page.getByRole('button', { name, exact: true }).boundingBox();
      expect(box!.x + box!.width).toBeLessThanOrEqual(400);
    }
    await page.screenshot({ path: join(ARTIFACTS, 'inspector-narrow.png'), fullPage: true });
    await page.setViewportSize({ width: 1400, height: 1000 });
  });

  test('emit with faults: extra copies, each with a signature made with another key', async () => {
    await resetAndReload();
    const key = 'the-webhook-key-16-or-more';
    await createWebhook({ label: 'faults', hmacKey: key });
    receiver.handle((_request, res) => answer(res, 200, '{}'));
    const before = receiver.requests.length;
    await emitForm().getByLabel('Event').selectOption('call.received');
    await emitForm().getByLabel('Extra copies').fill('2');
    await emitForm().getByLabel('Signature').selectOption('invalid');
    await emitForm().getByRole('button', { name: 'Emit' }).click();
    await emitForm().getByRole('status').filter({ hasText: 'Emitted call.received' }).waitFor();
    expect(await emitForm().getByRole('status').textContent()).toContain('3 deliveries');
    await row('call.received').filter({ hasText: 'succeeded' }).nth(2).waitFor();
    const received = receiver.requests.slice(before);
    expect(received).toHaveLength(3);
    expect(new Set(received.map((request) => request.headers['x-webhook-id'])).size).toBe(1);
    for (const request of received) {
      expect(request.headers['x-webhook-signature']).toMatch(/^sha256=[0-9a-f]{64}$/);
      expect(request.headers['x-webhook-signature']).not.toBe(await signPayload(request.body, key));
    }
    await emitForm().getByLabel('Extra copies').fill('0');
    await emitForm().getByLabel('Signature').selectOption('valid');
  });

  test('run a scenario in reverse: its events reach the receiver last first', async () => {
    const scenarioForm = page.getByRole('region', { name: 'Run a scenario' });
    const before = receiver.requests.length;
    await scenarioForm.getByLabel('Scenario').selectOption('message.outbound');
    expect(await scenarioForm.locator('#scenario-description').textContent()).toContain(
      'message.sent, message.ack, message.ack, message.ack',
    );
    await scenarioForm.getByLabel('Order').selectOption('reverse');
    await scenarioForm.getByRole('button', { name: 'Run' }).click();
    await scenarioForm
      .getByRole('status')
      .filter({ hasText: 'Ran message.outbound: 4 events, 4 deliveries.' })
      .waitFor();
    await row('message.sent').filter({ hasText: 'succeeded' }).waitFor();
    expect(await row('message.ack').count()).toBe(3);
    const events = receiver.requests.slice(before).map((request) => request.headers['x-webhook-event']);
    expect(events).toEqual(['message.ack', 'message.ack', 'message.ack', 'message.sent']);
  });

  test('a payload that is not JSON, or that the schema refuses, is explained at the form', async () => {
    const payload = emitForm().getByLabel('Payload');
    await emitForm().getByLabel('Event').selectOption('message.reaction');
    await payload.fill('{"reaction": ');
    await emitForm().getByRole('button', { name: 'Emit' }).click();
    await emitForm().getByRole('alert').filter({ hasText: 'The payload is not JSON' }).waitFor();
    expect(await payload.getAttribute('aria-invalid')).toBe('true');

    await payload.fill('{"reaction": "👍"}');
    await emitForm().getByRole('button', { name: 'Emit' }).click();
    const refusal = emitForm()
      .getByRole('alert')
      .filter({ hasText: 'payload is not a valid message.reaction payload' });
    await refusal.waitFor();
    // The first detail names the field at fault.
    expect(await refusal.textContent()).toMatch(/: \/payload\S* /);
    await emitForm().getByRole('button', { name: 'New payload' }).click();
    expect(JSON.parse(await payload.inputValue())).toHaveProperty('messageId');
  });

  test('without a token in the address it asks for one, and refuses a wrong one', async () => {
    // A new tab: sessionStorage, where the page keeps the token, is per tab.
    const tab = await browser.context.newPage();
    try {
      await tab.goto(`${server.info.url}/`);
      await tab.getByLabel('API token').fill('not-a-token');
      await tab.getByRole('button', { name: 'Open the inspector' }).click();
      await tab.getByRole('alert').filter({ hasText: 'refused that token' }).waitFor();
      await tab.getByLabel('API token').fill(server.info.token);
      await tab.getByRole('button', { name: 'Open the inspector' }).click();
      await tab.getByRole('heading', { name: 'Deliveries' }).waitFor();
      await tab.locator('.delivery-table tbody tr').first().waitFor();
    } finally {
      await tab.close();
    }
  });

  test('every request went to the mock server itself: none was even attempted elsewhere', () => {
    expect(attempted).toEqual([]);
  });
});
