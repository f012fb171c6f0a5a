import { createServer } from 'node:http';
import { titanWebhooks } from '@titan-webhooks/receiver';
import { buildTestDelivery } from '@titan-webhooks/sdk';
import express from 'express';
import { close, listen, requestsPerSecond } from './http-load.js';
import { type Bench, figure, interleaved } from './lib.js';

export const middlewareBench: Bench = {
  name: 'receiver middleware',
  async run() {
    const hmacKey = 'bench-signing-key-0123456789';
    const { body, headers } = await buildTestDelivery('message.received', undefined, { hmacKey });
    const app = express();
    app.post('/titan', titanWebhooks({ hmacKey, onEvent: () => undefined }));
    // The baseline does the least a receiving route must: read the raw body and answer.
    app.post('/bare', express.raw({ type: 'application/json', limit: '1mb' }), (_req, res) => {
      res.json({ ok: true });
    });
    const server = createServer(app);
    const url = await listen(server);
    const load = (path: string) => () => requestsPerSecond({ url: url + path, method: 'POST', headers, body });
    const [ours, bare] = await interleaved([load('/titan'), load('/bare')], 3, 1);
    await close(server);
    return [
      figure({
        name: 'receiver middleware req/s',
        value: ours,
        unit: 'req/s',
        baseline: 'the same Express app, bare express.raw route',
        baselineValue: bare,
        target: '>= 0.9',
        atLeast: 0.9,
      }),
    ];
  },
};
