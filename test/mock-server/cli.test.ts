// The titan-mock-server bin (mock-server/dist/cli.js, built by `npm run build`): flags, env, JSON line, signals.
import { join } from 'node:path';
import { ROOT, run, start, stop } from '../helpers/cli.js';

test('prints one JSON line with the url and the first token; each token is its own account; SIGTERM exits 0', async () => {
  const { child, info } = await start(['--port', '0', '--token', 'a', '--token', 'b']);
  try {
    expect(info).toMatchObject({
      url: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/),
      token: 'a',
      tokens: ['a', 'b'],
    });
    // The inspector, signed in with the first token.
    expect(info.dashboard).toBe(`${info.url}/#token=a`);
    expect(await (await fetch(`${info.url}/health`)).json()).toEqual({ status: 'ok' });
    const create = await fetch(`${info.url}/api/webhooks`, {
      method: 'POST',
      headers: { authorization: 'Bearer a', 'content-type': 'application/json' },
      body: JSON.stringify({ url: 'https://93.184.216.34/hook' }),
    });
    expect(create.status).toBe(201);
    const list = await fetch(`${info.url}/api/webhooks`, { headers: { authorization: 'Bearer b' } });
    expect((await list.json()).data).toEqual([]);
  } finally {
    expect(await stop(child)).toBe(0);
  }
});

test('without --token a development token is generated; SIGINT exits 0', async () => {
  const { child, info } = await start(['--port', '0']);
  expect(info.token).toMatch(/^titan_dev_[0-9a-f]{32}$/);
  expect((await fetch(`${info.url}/api/webhooks`, { headers: { authorization: `Bearer ${info.token}` } })).status).toBe(
    200,
  );
  expect(await stop(child, 'SIGINT')).toBe(0);
});

test('environment variables mirror the flags', async () => {
  const { child, info } = await start([], {
    TITAN_MOCK_PORT: '0',
    TITAN_MOCK_HOST: '127.0.0.1',
    TITAN_MOCK_TOKENS: 'x,y',
    TITAN_MOCK_ALLOW_PRIVATE_URLS: '1',
    TITAN_MOCK_TIME_SCALE: '0.01',
    TITAN_MOCK_DELIVERY_TIMEOUT: '2',
  });
  try {
    expect(info.tokens).toEqual(['x', 'y']);
    const create = await fetch(`${info.url}/api/webhooks`, {
      method: 'POST',
      headers: { authorization: 'Bearer y', 'content-type': 'application/json' },
      body: JSON.stringify({ url: 'http://127.0.0.1:9/hook' }),
    });
    expect(create.status).toBe(201); // allowed by TITAN_MOCK_ALLOW_PRIVATE_URLS
  } finally {
    await stop(child);
  }
});

test('flags win over the environment', async () => {
  const { child, info } = await start(['--port', '0', '--token', 'flag'], {
    TITAN_MOCK_PORT: '1',
    TITAN_MOCK_TOKENS: 'env',
  });
  expect(info.token).toBe('flag');
  await stop(child);
});

test.each<[string[], Record<string, string>, RegExp]>([
  [['--port', 'abc'], {}, /port/],
  [['--port', '70000'], {}, /port/],
  [['--port', '-1'], {}, /port/],
  [['--time-scale', 'fast'], {}, /time-scale/],
  [['--time-scale', '-1'], {}, /time scale/],
  [['--delivery-timeout', '0'], {}, /delivery timeout/],
  [['--token', 'has space'], {}, /token/],
  [['--token', 'a', '--token', 'a'], {}, /token/],
  [['--log-level', 'loud'], {}, /log level/],
  [['--bogus'], {}, /unknown option/],
  [['extra-argument'], {}, /argument/],
  [['--port'], {}, /argument missing/],
  [[], { TITAN_MOCK_PORT: 'x' }, /TITAN_MOCK_PORT/],
  [[], { TITAN_MOCK_ALLOW_PRIVATE_URLS: 'maybe' }, /TITAN_MOCK_ALLOW_PRIVATE_URLS/],
  [[], { TITAN_MOCK_TIME_SCALE: '' }, /TITAN_MOCK_TIME_SCALE/],
])('%j %j exits 2 with a message', async (args, env, message) => {
  const { code, stdout, stderr } = await run(args, env);
  expect(code).toBe(2);
  expect(stderr).toMatch(message);
  expect(stdout).toBe('');
});

test('--help exits 0 and names every flag', async () => {
  const { code, stdout } = await run(['--help']);
  expect(code).toBe(0);
  for (const flag of ['--port', '--host', '--token', '--allow-private-urls', '--time-scale', '--delivery-timeout'])
    expect(stdout).toContain(flag);
});

test('a port in use exits 1 with a message', async () => {
  const { child, info } = await start(['--port', '0']);
  try {
    const { code, stderr } = await run(['--port', new URL(info.url).port]);
    expect(code).toBe(1);
    expect(stderr).toMatch(/EADDRINUSE/);
  } finally {
    await stop(child);
  }
});

test('`npm start -- --port 0` starts it too', async () => {
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const { child, info } = await start(['--port', '0'], {}, [npm, 'start', '--silent', '--']);
  try {
    expect((await fetch(`${info.url}/health`)).status).toBe(200);
  } finally {
    await stop(child);
  }
  await expect(fetch(`${info.url}/health`)).rejects.toThrow();
});

test('the repository install links the bin, so `npx titan-mock-server` works in a clone', async () => {
  const { child, info } = await start(['--port', '0'], {}, [join(ROOT, 'node_modules', '.bin', 'titan-mock-server')]);
  try {
    expect((await fetch(`${info.url}/health`)).status).toBe(200);
  } finally {
    await stop(child);
  }
});
