/**
 * Code written from Titan's own TypeScript docs runs unchanged on this toolkit: verify with
 * verifyWebhookSignature (it returns the event), narrow with isEvent, read the payload.
 */
import * as receiver from '@titan-webhooks/receiver';
import * as sdk from '@titan-webhooks/sdk';
import { buildTestDelivery, EVENT_EXAMPLES } from '@titan-webhooks/sdk';
import express from 'express';
import request from 'supertest';

const SECRET = 'vendor-example-secret-0123';

describe.each([
  ['@titan-webhooks/sdk', sdk],
  ['@titan-webhooks/receiver', receiver],
])('the vendor example, imported from %s', (_name, { isEvent, verifyWebhookSignature }) => {
  function app(seen: string[]) {
    const server = express();
    server.post('/webhook', express.raw({ type: 'application/json' }), async (req, res) => {
      try {
        const event = await verifyWebhookSignature(req.body, req.header('X-Webhook-Signature'), SECRET);
        if (isEvent(event, 'message.received')) {
          // Titan's sample reads from.phoneNumber directly; here `from` may also be a group or channel,
          // which have no number, so the type asks to tell them apart first.
          const from = event.payload.from;
          seen.push('mode' in from ? (from.phoneNumber ?? `lid:${from.lid}`) : from.id);
        }
        res.sendStatus(200);
      } catch {
        res.sendStatus(401);
      }
    });
    return server;
  }

  test('a signed message.received is verified, narrowed and read', async () => {
    const seen: string[] = [];
    const delivery = await buildTestDelivery(
      'message.received',
      { ...EVENT_EXAMPLES['message.received'], from: { phoneNumber: '+14155550123', mode: 'pn' } },
      { hmacKey: SECRET },
    );
    await request(app(seen)).post('/webhook').set(delivery.headers).send(delivery.body).expect(200);
    expect(seen).toEqual(['+14155550123']);
  });

  test('other events pass isEvent by; a forged delivery is refused', async () => {
    const seen: string[] = [];
    const status = await buildTestDelivery('session.status', undefined, { hmacKey: SECRET });
    await request(app(seen)).post('/webhook').set(status.headers).send(status.body).expect(200);
    const forged = await buildTestDelivery('message.received', undefined, { hmacKey: 'not-the-secret-0123' });
    await request(app(seen)).post('/webhook').set(forged.headers).send(forged.body).expect(401);
    expect(seen).toEqual([]);
  });

  test('isEvent is a plain comparison of the name', () => {
    const event = sdk.createEvent('session.qr');
    expect(isEvent(event, 'session.qr')).toBe(true);
    expect(isEvent(event, 'session.status')).toBe(false);
  });
});
