// A tiny webhook receiver for trying the mock server: prints each delivery and whether its signature checks out.
// Run from the repository root: node mock-server/examples/receiver.mjs [port]   (HMAC_KEY sets the key, default below)
import { timingSafeEqual } from 'node:crypto';
import { createServer } from 'node:http';
import { signPayload } from '@titan-webhooks/sdk';

const port = Number(process.argv[2] ?? 3000);
const hmacKey = process.env.HMAC_KEY ?? 'a-secret-of-16+-chars';

createServer((req, res) => {
  const chunks = [];
  req.on('data', (chunk) => chunks.push(chunk));
  req.on('end', async () => {
    const body = Buffer.concat(chunks);
    // Sign the exact raw bytes and compare in constant time, as every receiver should.
    const expected = Buffer.from(await signPayload(body, hmacKey));
    const received = Buffer.from(String(req.headers['x-webhook-signature'] ?? ''));
    const verified = received.length === expected.length && timingSafeEqual(received, expected);
    const { 'x-webhook-event': event, 'x-webhook-delivery': delivery, 'x-webhook-attempt': attempt } = req.headers;
    console.log(`${verified ? 'verified' : 'REJECTED'} ${event} ${delivery} attempt ${attempt}`);
    if (verified) console.log(body.toString());
    res.statusCode = verified ? 200 : 401;
    res.end();
  });
}).listen(port, '127.0.0.1', () => console.log(`receiver listening on http://127.0.0.1:${port}/webhook`));
