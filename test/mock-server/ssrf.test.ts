import dns from 'node:dns';
import { Agent, fetch, request } from 'undici';
import {
  checkWebhookUrl,
  createGuardedConnector,
  createGuardedLookup,
  isAllowedAddress,
  type Resolver,
} from '../../mock-server/src/ssrf/index.js';
import { startTestServer, type TestServer } from '../helpers/http-server.js';

/** A resolver over a fixed table; other names do not resolve (ENOTFOUND), as with real DNS. */
const DNS_TABLE: Record<string, string[]> = {
  'public.example.com': ['93.184.215.14', '2606:2800:21f:cb07:6820:80da:af6b:8b2c'],
  'private.example.com': ['10.0.0.5'],
  'mixed.example.com': ['93.184.215.14', '192.168.1.20'],
  'mapped.example.com': ['::ffff:169.254.169.254'],
};
const resolver: Resolver = async (hostname) => {
  const addresses = DNS_TABLE[hostname];
  if (addresses) return addresses;
  throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
};
const strict = { allowPrivateUrls: false, resolver };
const relaxed = { allowPrivateUrls: true, resolver };

/** Jest titles for table rows: long URLs shortened. */
const title = (url: string) => (url.length > 100 ? `${url.slice(0, 40)}… (${url.length} characters)` : url);

/** A fake dns.lookup answering every name with `addresses`, in whichever callback form is asked for. */
function fakeLookup(addresses: string[]): typeof dns.lookup {
  const entries = addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
  return ((
    _hostname: string,
    options: dns.LookupOptions | ((...args: unknown[]) => void),
    callback?: (...args: unknown[]) => void,
  ) => {
    const all = typeof options === 'object' && options.all === true;
    const cb = (typeof options === 'function' ? options : callback)!;
    process.nextTick(() => (all ? cb(null, entries) : cb(null, entries[0]!.address, entries[0]!.family)));
  }) as typeof dns.lookup;
}

describe('checkWebhookUrl, by default', () => {
  const rejected: Array<[url: string, fragment: string]> = [
    // IPv4 in the forms the WHATWG parser normalizes
    ['https://127.0.0.1/hook', '127.0.0.1, a loopback address'],
    ['https://127.1/', '127.0.0.1, a loopback address'],
    ['https://0x7f000001/', '127.0.0.1, a loopback address'],
    ['https://0x7f.1/', '127.0.0.1, a loopback address'],
    ['https://2130706433/', '127.0.0.1, a loopback address'],
    ['https://0177.0.0.1/', '127.0.0.1, a loopback address'],
    ['https://10.1/', '10.0.0.1, a private address'],
    ['https://0/', '0.0.0.0, an unspecified'],
    ['https://172.16.3.4/', 'a private address'],
    ['https://192.168.0.1/', 'a private address'],
    ['https://169.254.169.254/latest/meta-data', 'a link-local address'],
    ['https://100.64.0.1/', 'a carrier-grade NAT address'],
    ['https://192.0.0.8/', '192.0.0.8, a reserved'],
    ['https://192.0.2.10/', '192.0.2.10, a reserved'],
    ['https://198.51.100.7/', '198.51.100.7, a reserved'],
    ['https://203.0.113.9/', '203.0.113.9, a reserved'],
    ['https://198.18.0.1/', '198.18.0.1, a reserved'],
    ['https://198.19.255.254/', '198.19.255.254, a reserved'],
    ['https://240.0.0.1/', '240.0.0.1, a reserved'],
    ['https://255.255.255.255/', 'a broadcast address'],
    ['https://224.0.0.1/', 'a multicast address'],
    // IPv6
    ['https://[::1]/', '::1, a loopback address'],
    ['https://[::]/', '::, an unspecified'],
    ['https://[fe80::1]/', 'a link-local address'],
    ['https://[fc00::1]/', 'a unique-local address'],
    ['https://[fd12:3456::1]/', 'a unique-local address'],
    ['https://[ff02::1]/', 'a multicast address'],
    ['https://[2001:db8::1]/', 'a reserved'],
    ['https://[fe80::1%25eth0]/', 'url must not contain an IPv6 zone id'],
    ['https://[::ffff:127.0.0.1]/', '::ffff:7f00:1, which carries 127.0.0.1, a loopback address'],
    ['https://[::ffff:7f00:1]/', 'which carries 127.0.0.1, a loopback address'],
    ['https://[::ffff:a9fe:a9fe]/', 'which carries 169.254.169.254, a link-local address'],
    ['https://[::127.0.0.1]/', 'which carries 127.0.0.1, a loopback address'],
    ['https://[::10.0.0.1]/', 'which carries 10.0.0.1, a private address'],
    ['https://[64:ff9b::10.0.0.1]/', 'which carries 10.0.0.1, a private address'],
    ['https://[64:ff9b:1::192.168.1.1]/', 'a local-use NAT64 address'],
    // Under the /48 layout this carries 127.0.0.1; read as /96 it would pass as 8.8.8.8.
    ['https://[64:ff9b:1:7f00:0:100:808:808]/', 'a local-use NAT64 address'],
    ['https://[2002:c0a8:101::1]/', 'which carries 192.168.1.1, a private address'],
    // Teredo: server 65.54.227.120, client 10.0.0.1 stored as its complement f5ff:fffe
    ['https://[2001:0:4136:e378:8000:63bf:f5ff:fffe]/', 'which carries 10.0.0.1, a private address'],
    // names
    ['https://localhost/', 'url host localhost is a local name'],
    ['https://localhost./', 'url host localhost is a local name'],
    ['https://127.0.0.1./', '127.0.0.1, a loopback address'],
    ['https://api.localhost/', 'url host api.localhost is a local name (.localhost)'],
    ['https://LocalHost/', 'url host localhost is a local name'],
    ['https://printer.local/', 'url host printer.local is a local name (.local)'],
    ['https://a.internal/', 'url host a.internal is a local name (.internal)'],
    ['https://metadata.google.internal./', 'url host metadata.google.internal is a local name (.internal)'],
    ['https://router.home.arpa/', 'url host router.home.arpa is a local name (.home.arpa)'],
    ['https://intranet/', 'url host intranet is a single-label name'],
    ['https://Intranet./', 'url host intranet is a single-label name'],
    ['https://metadata.google.internal../', 'url host metadata.google.internal is a local name (.internal)'],
    ['https://foo.localhost.../', 'url host foo.localhost is a local name (.localhost)'],
    ['https://intranet../', 'url host intranet is a single-label name'],
    ['https://127.0.0.1../', '127.0.0.1, a loopback address'],
    ['https://a..example.com/', 'url host a..example.com has an empty label'],
    ['https://.example.com/', 'url host .example.com has an empty label'],
    ['https://../', 'url host .. has an empty label'],
    ['https://example.com:0/', 'url port must be between 1 and 65535'],
    // userinfo
    ['https://evil@127.0.0.1/', 'url must not contain a username or password'],
    ['https://user:pass@example.com/', 'url must not contain a username or password'],
    ['https://example.com@10.0.0.1/', 'url must not contain a username or password'],
    ['https://:secret@example.com/', 'url must not contain a username or password'],
    // schemes and syntax
    ['http://example.com/hook', 'url must use https'],
    ['ftp://example.com/file', 'url must use https'],
    ['data:text/plain,hello', 'url must use https'],
    ['javascript:alert(1)', 'url must use https'],
    ['not a url', 'url must be a valid absolute URL'],
    ['/relative/path', 'url must be a valid absolute URL'],
    [`https://example.com/${'a'.repeat(2049 - 'https://example.com/'.length)}`, 'url must be at most 2048 characters'],
    // names that resolve (through the test resolver) to refused addresses
    ['https://private.example.com/hook', 'url host private.example.com resolves to 10.0.0.5, a private address'],
    ['https://mixed.example.com/hook', 'url host mixed.example.com resolves to 192.168.1.20, a private address'],
    [
      'https://mapped.example.com/hook',
      'resolves to ::ffff:169.254.169.254, which carries 169.254.169.254, a link-local address',
    ],
  ];

  it('covers at least 40 forms', () => {
    expect(rejected.length).toBeGreaterThanOrEqual(40);
  });

  it.each(rejected.map(([url, fragment]) => [title(url), url, fragment]))(
    'rejects %s',
    async (_title, url, fragment) => {
      const problem = await checkWebhookUrl(url, strict);
      expect(problem).not.toBeNull();
      expect(problem!.path).toBe('/url');
      expect(problem!.message).toContain(fragment);
    },
  );

  it.each(
    [
      'https://8.8.8.8/hook',
      'https://[2606:4700:4700::1111]/hook',
      'https://[::ffff:8.8.8.8]/hook',
      'https://[64:ff9b::8.8.8.8]/hook',
      'https://public.example.com/hook',
      'https://public.example.com./hook?x=1',
      'https://public.example.com../hook',
      'https://not-yet-registered.example.com/hook',
      `https://example.com/${'a'.repeat(2048 - 'https://example.com/'.length)}`,
    ].map((url) => [title(url), url]),
  )('accepts %s', async (_title, url) => {
    await expect(checkWebhookUrl(url, strict)).resolves.toBeNull();
  });

  it('accepts a name that does not resolve yet, whichever "no answer" code the resolver gives', async () => {
    for (const code of ['ENOTFOUND', 'ENODATA', 'EAI_AGAIN', 'ESERVFAIL', 'ECONNREFUSED']) {
      const failing: Resolver = async () => Promise.reject(Object.assign(new Error(code), { code }));
      await expect(
        checkWebhookUrl('https://soon.example.com/', { allowPrivateUrls: false, resolver: failing }),
      ).resolves.toBeNull();
    }
  });

  it('does not ask the resolver about literals or refused names', async () => {
    const asked: string[] = [];
    const recording: Resolver = async (hostname) => {
      asked.push(hostname);
      return ['93.184.215.14'];
    };
    for (const url of [
      'https://8.8.8.8/',
      'https://[::1]/',
      'https://x.localhost/',
      'https://intranet/',
      'https://www.example.com./',
    ]) {
      await checkWebhookUrl(url, { allowPrivateUrls: false, resolver: recording });
    }
    expect(asked).toEqual(['www.example.com']);
  });
});

describe('checkWebhookUrl with allowPrivateUrls', () => {
  it.each([
    'http://127.0.0.1:3000/hook',
    'http://localhost/x',
    'https://10.0.0.5/',
    'http://intranet/',
    'https://[::1]:8443/',
    'https://private.example.com/',
  ])('accepts %s', async (url) => {
    await expect(checkWebhookUrl(url, relaxed)).resolves.toBeNull();
  });

  const stillRejected: Array<[url: string, fragment: string]> = [
    ['ftp://127.0.0.1/', 'url must use http or https'],
    ['http://user:pass@localhost/', 'url must not contain a username or password'],
    ['http://localhost:0/', 'url port must be between 1 and 65535'],
    [`http://localhost/${'a'.repeat(2040)}`, 'url must be at most 2048 characters'],
  ];
  it.each(stillRejected.map(([url, fragment]) => [title(url), url, fragment]))(
    'still rejects %s',
    async (_title, url, fragment) => {
      expect((await checkWebhookUrl(url, relaxed))?.message).toContain(fragment);
    },
  );
});

describe('isAllowedAddress', () => {
  it.each([
    '8.8.8.8',
    '1.1.1.1',
    '2606:4700:4700::1111',
    '::ffff:8.8.8.8',
    '2002:808:808::1',
    '2001:0:4136:e378:8000:63bf:f7f7:f7f7',
  ])('allows %s', (address) => {
    expect(isAllowedAddress(address)).toBe(true);
  });

  it.each([
    '127.0.0.1',
    '0.0.0.0',
    '10.0.0.5',
    '::1',
    '::',
    'fe80::1%eth0',
    'fe80::1',
    '::7f00:1',
    '127.1',
    '0177.0.0.1',
    'example.com',
    '',
  ])('refuses %s', (address) => {
    expect(isAllowedAddress(address)).toBe(false);
  });
});

describe('createGuardedLookup', () => {
  const lookupAsync = (lookup: typeof dns.lookup, options: dns.LookupOptions) =>
    new Promise<{ error: NodeJS.ErrnoException | null; result: unknown }>((resolve) => {
      lookup('rebind.example.com', options, (error, result) => resolve({ error, result }));
    });

  it('refuses a disallowed address in the single-address form', async () => {
    const { error } = await lookupAsync(
      createGuardedLookup({ allowPrivateUrls: false, lookup: fakeLookup(['127.0.0.1']) }),
      {},
    );
    expect(error?.code).toBe('ERR_SSRF_BLOCKED');
    expect(error?.message).toBe(
      'refused to connect to 127.0.0.1 (resolved from rebind.example.com), a loopback address',
    );
  });

  it('refuses when any address of the `all: true` form is disallowed', async () => {
    const { error } = await lookupAsync(
      createGuardedLookup({ allowPrivateUrls: false, lookup: fakeLookup(['93.184.215.14', '10.0.0.5']) }),
      { all: true },
    );
    expect(error?.code).toBe('ERR_SSRF_BLOCKED');
    expect(error?.message).toContain('10.0.0.5');
  });

  it('passes allowed answers through unchanged, in both forms', async () => {
    const lookup = createGuardedLookup({
      allowPrivateUrls: false,
      lookup: fakeLookup(['93.184.215.14', '2606:2800:21f:cb07:6820:80da:af6b:8b2c']),
    });
    expect(await lookupAsync(lookup, {})).toEqual({ error: null, result: '93.184.215.14' });
    expect((await lookupAsync(lookup, { all: true })).result).toHaveLength(2);
  });

  it('is the given lookup itself with allowPrivateUrls', () => {
    const lookup = fakeLookup(['127.0.0.1']);
    expect(createGuardedLookup({ allowPrivateUrls: true, lookup })).toBe(lookup);
    expect(createGuardedLookup({ allowPrivateUrls: true })).toBe(dns.lookup);
  });
});

describe('createGuardedConnector with undici', () => {
  let server: TestServer;
  const agents: Agent[] = [];
  const agentWith = (options: Parameters<typeof createGuardedConnector>[0]) => {
    const agent = new Agent({ connect: createGuardedConnector(options) });
    agents.push(agent);
    return agent;
  };
  const port = () => new URL(server.url).port;

  beforeAll(async () => {
    server = await startTestServer((_req, res) => res.end('ok'));
  });
  afterAll(async () => {
    await Promise.all(agents.map((agent) => agent.close()));
    await server.close();
  });

  it('refuses a name that resolves to a loopback address, before any request reaches the server', async () => {
    const dispatcher = agentWith({ allowPrivateUrls: false, lookup: fakeLookup(['127.0.0.1']) });
    const before = server.requests.length;
    await expect(request(`http://rebind.example.com:${port()}/hook`, { dispatcher })).rejects.toMatchObject({
      code: 'ERR_SSRF_BLOCKED',
      message: expect.stringContaining('127.0.0.1 (resolved from rebind.example.com), a loopback address'),
    });
    expect(server.requests.length).toBe(before);
  });

  it('refuses IP-literal hosts, which never reach a lookup', async () => {
    const dispatcher = agentWith({ allowPrivateUrls: false });
    await expect(request(`${server.url}/hook`, { dispatcher })).rejects.toMatchObject({
      code: 'ERR_SSRF_BLOCKED',
      message: 'refused to connect to 127.0.0.1, a loopback address',
    });
    await expect(request(`https://[::1]:${port()}/hook`, { dispatcher })).rejects.toMatchObject({
      code: 'ERR_SSRF_BLOCKED',
    });
    await expect(request(`https://[::ffff:7f00:1]:${port()}/hook`, { dispatcher })).rejects.toMatchObject({
      code: 'ERR_SSRF_BLOCKED',
    });
  });

  it('reports the refusal as the cause of a fetch failure', async () => {
    const dispatcher = agentWith({ allowPrivateUrls: false });
    const failure = await fetch(`${server.url}/hook`, { dispatcher }).catch((error: unknown) => error);
    expect((failure as Error & { cause?: { code?: string } }).cause?.code).toBe('ERR_SSRF_BLOCKED');
  });

  it('checks again on every connection (DNS rebinding)', async () => {
    // 4000::1 is unicast to ipaddr.js but unassigned, so the allowed first connection fails
    // on its own (no route or timeout) without reaching anyone.
    let answer = '4000::1';
    const asked: string[] = [];
    const rebinding = ((hostname: string, options: dns.LookupOptions, callback: (...args: unknown[]) => void) => {
      asked.push(answer);
      fakeLookup([answer])(hostname, options, callback);
    }) as typeof dns.lookup;
    const dispatcher = agentWith({ allowPrivateUrls: false, lookup: rebinding, timeoutMs: 200 });
    const first = await request(`http://rebind.example.com:${port()}/`, { dispatcher }).catch(
      (error: { code?: string }) => error,
    );
    expect((first as { code?: string }).code).not.toBe('ERR_SSRF_BLOCKED');
    answer = '127.0.0.1';
    await expect(request(`http://rebind.example.com:${port()}/`, { dispatcher })).rejects.toMatchObject({
      code: 'ERR_SSRF_BLOCKED',
    });
    expect(asked).toEqual(['4000::1', '127.0.0.1']);
  });

  it('connects to a local server with allowPrivateUrls, by literal and through a lookup', async () => {
    const dispatcher = agentWith({ allowPrivateUrls: true, lookup: fakeLookup(['127.0.0.1']) });
    const byLiteral = await request(`${server.url}/literal`, { dispatcher });
    expect(byLiteral.statusCode).toBe(200);
    expect(await byLiteral.body.text()).toBe('ok');
    const byName = await fetch(`http://receiver.test:${port()}/named`, { dispatcher });
    expect(await byName.text()).toBe('ok');
    expect(server.requests.map((r) => r.url)).toEqual(expect.arrayContaining(['/literal', '/named']));
  });
});
