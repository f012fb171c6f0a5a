// A tiny webhook receiver for trying the mock server, built on the toolkit's own receiver: titanWebhooks()
// verifies each delivery's signature and envelope, answers 200 once the handler ran (401/400 otherwise),
// and this prints what arrived. Run from the repository root after `npm install`:
//   node mock-server/examples/receiver.mjs [port]   (HMAC_KEY sets the key; port 0 picks a free one)
// It needs @titan-webhooks/receiver, which the mock server itself does not depend on.
import { createServer } from 'node:http';
import { titanWebhooks } from '@titan-webhooks/receiver';

const port = Number(process.argv[2] ?? 3000);
const hmacKey = process.env.HMAC_KEY ?? 'a-secret-of-16+-chars';

const receive = titanWebhooks({
  hmacKey,
  onEvent(event, req) {
    console.log(
      `verified ${event.event} ${req.headers['x-webhook-delivery']} attempt ${req.headers['x-webhook-attempt']}`,
    );
    console.log(JSON.stringify(event));
  },
  onError(error, req) {
    console.log(`REJECTED ${req.headers['x-webhook-delivery'] ?? '(no delivery id)'}: ${error.code} ${error.message}`);
  },
});

const server = createServer((req, res) => receive(req, res));
server.listen(port, '127.0.0.1', () => {
  console.log(`receiver listening on http://127.0.0.1:${server.address().port}/webhook`);
});
