import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { verify as octokitVerify } from '@octokit/webhooks-methods';
import { verifySignature } from '@titan-webhooks/receiver';
import { signPayload } from '@titan-webhooks/sdk';
import { type Bench, figure, interleaved, opsPerSecond } from './lib.js';

const key = 'bench-signing-key-0123456789';
const body = JSON.stringify({
  id: 'evt_bench',
  event: 'message.received',
  session: 'default',
  timestamp: new Date().toISOString(),
  payload: { text: randomBytes(400).toString('hex') },
}).slice(0, 1024);

export const verifyBench: Bench = {
  name: 'verifySignature',
  async run() {
    const header = await signPayload(body, key);
    const hex = header.slice('sha256='.length);
    // The limit: what any verifier must do at least, with nothing around it.
    const bare = () => {
      const expected = createHmac('sha256', key).update(body).digest();
      return timingSafeEqual(expected, Buffer.from(hex, 'hex'));
    };
    if (!bare() || !(await verifySignature(body, header, key)) || !(await octokitVerify(key, body, header))) {
      throw new Error('a verifier rejected a valid signature');
    }
    const [ours, baseline, octokit] = await interleaved([
      () => opsPerSecond(() => verifySignature(body, header, key)),
      () => opsPerSecond(bare),
      () => opsPerSecond(() => octokitVerify(key, body, header)),
    ]);
    return [
      figure({
        name: 'verifySignature ops/s, 1 KB body',
        value: ours,
        unit: 'ops/s',
        baseline: 'bare createHmac + timingSafeEqual loop',
        baselineValue: baseline,
        target: '>= 0.85',
        atLeast: 0.85,
      }),
      figure({
        name: 'verifySignature vs @octokit/webhooks-methods verify',
        value: ours,
        unit: 'ops/s',
        baseline: '@octokit/webhooks-methods verify',
        baselineValue: octokit,
        target: '> 1 (ahead)',
        atLeast: 1.0000001,
      }),
    ];
  },
};
