/**
 * A receiver process for the flood test: node:http + titanWebhooks, plus GET /_memory answering the
 * heap after a full garbage collection (run with --expose-gc) and the open connection count.
 * Prints {"port": n} once listening.
 */
import { createServer } from 'node:http';
import { titanWebhooks } from '@titan-webhooks/receiver';

const { HMAC_KEY } = process.env;
if (!HMAC_KEY) throw new Error('HMAC_KEY is required');
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with --expose-gc');

let handled = 0;
const middleware = titanWebhooks({ hmacKey: HMAC_KEY, onEvent: () => void handled++ });

// Its stdin is a pipe from the test: when the test process ends, however it ends, so does this one.
process.stdin.on('close', () => process.exit(0)).resume();
const server = createServer((req, res) => {
  if (req.method === 'GET' && req.url === '/_memory') {
    gc();
    server.getConnections((_error, connections) => {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ heapUsed: process.memoryUsage().heapUsed, connections, handled }));
    });
    return;
  }
  middleware(req, res);
});
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  process.stdout.write(`${JSON.stringify({ port: typeof address === 'object' && address ? address.port : 0 })}\n`);
});
