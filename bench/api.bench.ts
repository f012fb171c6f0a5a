import { createServer } from 'node:http';
import { startMockServer } from '@titan-webhooks/mock-server';
import express from 'express';
import { close, listen, requestsPerSecond } from './http-load.js';
import { type Bench, figure, interleaved } from './lib.js';

export const apiBench: Bench = {
  name: 'mock server API',
  async run() {
    const mock = await startMockServer({
      port: 0,
      logLevel: 'silent',
      rateLimit: { limit: 100_000_000, windowMs: 60_000 },
    });
    const headers = { authorization: `Bearer ${mock.token}`, 'content-type': 'application/json' };
    const createBody = JSON.stringify({
      url: 'https://8.8.8.8/hook',
      events: ['message.received'],
      hmacKey: 'bench-key-0123456789',
    });
    const created = await (
      await fetch(`${mock.url}/api/webhooks`, { method: 'POST', headers, body: createBody })
    ).json();
    const { hmacKey: _key, ...stored } = created.data;

    // The baseline answers the same JSON with no validation, auth, storage or request journal.
    const app = express();
    app.use(express.json());
    app.post('/api/webhooks', (_req, res) => res.status(201).json(created));
    app.get('/api/webhooks/:id', (_req, res) => res.json({ data: stored }));
    const bare = createServer(app);
    const bareUrl = await listen(bare);

    const requests = [
      { method: 'POST' as const, path: '/api/webhooks', headers, body: createBody },
      { method: 'GET' as const, path: `/api/webhooks/${created.data.id}`, headers },
    ];
    const [ours, baseline] = await interleaved(
      [() => requestsPerSecond({ url: mock.url, requests }), () => requestsPerSecond({ url: bareUrl, requests })],
      3,
      1,
    );
    await close(bare);
    await mock.close();
    return [
      figure({
        name: 'mock server create + get req/s',
        value: ours,
        unit: 'req/s',
        baseline: 'bare Express route returning the same JSON',
        baselineValue: baseline,
        target: '>= 0.8',
        atLeast: 0.8,
      }),
    ];
  },
};
