import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isNeonHubError } from '@neonhub/schemas';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createOutboundGuard, type OutboundGuard, type Resolver } from './index.js';

/** A real HTTP server on 127.0.0.1 that records every request it gets. */
async function listen(handler?: (req: IncomingMessage, res: import('node:http').ServerResponse) => void) {
  const seen: IncomingMessage[] = [];
  const server: Server = createServer((req, res) => {
    seen.push(req);
    if (handler) handler(req, res);
    else res.end('hello');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return { port, seen, close: () => new Promise<void>((r) => server.close(() => r())) };
}

/** A port nothing listens on (bound, then released). */
async function closedPort(): Promise<number> {
  const s = await listen();
  await s.close();
  return s.port;
}

async function failure(p: Promise<unknown>): Promise<{ code: string; message: string; details: unknown }> {
  try {
    await p;
  } catch (err) {
    if (isNeonHubError(err)) return { code: err.code, message: err.message, details: err.details };
    throw err;
  }
  throw new Error('expected the request to fail');
}

let server: Awaited<ReturnType<typeof listen>>;
const guards: OutboundGuard[] = [];
const guard = (...args: Parameters<typeof createOutboundGuard>) => {
  const g = createOutboundGuard(...args);
  guards.push(g);
  return g;
};

beforeAll(async () => {
  server = await listen();
});
afterEach(async () => {
  await Promise.all(guards.splice(0).map((g) => g.close()));
  expect(server.seen).toHaveLength(0);
});
afterAll(async () => {
  await server.close();
});

describe('the outbound guard', () => {
  it('refuses a server on 127.0.0.1 by default, and reaches it once its address and port are allow-listed', async () => {
    const f = await failure(guard().fetch(`http://127.0.0.1:${server.port}/`));
    expect(f.code).toBe('NH_OUTBOUND_BLOCKED');
    expect(f.message).toContain('loopback');
    expect(server.seen).toHaveLength(0);

    const other = await failure(guard({ allow: [`127.0.0.1:${server.port + 1}`] }).fetch(`http://127.0.0.1:${server.port}/`));
    expect(other.code).toBe('NH_OUTBOUND_BLOCKED'); // another port of the same address stays refused

    const res = await guard({ allow: [`127.0.0.1:${server.port}`] }).fetch(`http://127.0.0.1:${server.port}/hi`);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('hello');
    expect(server.seen.splice(0).map((r) => r.url)).toEqual(['/hi']);
  });

  it('refuses decimal, octal, hex, IPv6, IPv4-mapped and metadata forms of blocked addresses', async () => {
    const p = server.port;
    const targets = [
      `http://2130706433:${p}/`,
      `http://0x7f.1:${p}/`,
      `http://0177.0.0.1:${p}/`,
      `http://0x7f000001:${p}/`,
      `http://127.1:${p}/`,
      `http://[::1]:${p}/`,
      `http://[::ffff:127.0.0.1]:${p}/`,
      `http://[::ffff:7f00:1]:${p}/`,
      `http://[0:0:0:0:0:ffff:127.0.0.1]:${p}/`,
      `http://[::127.0.0.1]:${p}/`,
      'http://2852039166/latest/meta-data/',
      'http://[64:ff9b::a9fe:a9fe]/',
      `http://0.0.0.0:${p}/`,
      `http://[::]:${p}/`,
      'http://169.254.169.254/latest/meta-data/',
      'http://[fd00:ec2::254]/latest/meta-data/',
      'http://[::ffff:169.254.169.254]/',
      'http://metadata.google.internal/computeMetadata/v1/',
      'http://metadata/computeMetadata/v1/',
      'http://METADATA.GOOGLE.INTERNAL./',
      'http://10.0.0.1/',
      'http://172.16.5.4/',
      'http://192.168.1.1/',
      'http://100.64.0.1/',
      'http://[fc00::1]/',
      'http://[fe80::1]/',
      'http://224.0.0.1/',
      'http://255.255.255.255/',
      `http://localhost:${p}/`,
      `http://api.localhost:${p}/`,
    ];
    const g = guard();
    for (const target of targets) {
      const f = await failure(g.fetch(target));
      expect.soft(f.code, target).toBe('NH_OUTBOUND_BLOCKED');
      await expect.soft(g.check(target), target).rejects.toMatchObject({ code: 'NH_OUTBOUND_BLOCKED' });
    }
    expect(server.seen).toHaveLength(0);
  });

  it('refuses a name that resolves to a private address, and reaches an allow-listed one at the address it checked', async () => {
    const resolve: Resolver = async (name) =>
      name === 'ollama.test' ? [{ address: '127.0.0.1', family: 4 }] : [{ address: '10.1.2.3', family: 4 }];
    const f = await failure(guard({ resolve }).fetch(`http://ollama.test:${server.port}/`));
    expect(f).toMatchObject({ code: 'NH_OUTBOUND_BLOCKED', message: expect.stringContaining('the name resolves to a loopback address') });
    await expect(guard({ resolve }).check('https://intranet.test/')).rejects.toMatchObject({ code: 'NH_OUTBOUND_BLOCKED' });

    // ollama.test exists only in this resolver: reaching the server proves the socket used the checked address.
    const res = await guard({ resolve, allow: [`127.0.0.1:${server.port}`] }).fetch(`http://ollama.test:${server.port}/api/tags`);
    expect(res.status).toBe(200);
    expect(server.seen.splice(0).map((r) => [r.url, r.headers.host])).toEqual([['/api/tags', `ollama.test:${server.port}`]]);
    // A name entry allows whatever the name resolves to.
    const byName = await guard({ resolve, allow: [`ollama.test:${server.port}`] }).fetch(`http://ollama.test:${server.port}/`);
    expect(byName.status).toBe(200);
    server.seen.splice(0);
  });

  it('uses only the addresses that passed when a name resolves to public and private ones', async () => {
    const resolve: Resolver = async () => [
      { address: '127.0.0.1', family: 4 },
      { address: '127.0.0.2', family: 4 },
    ];
    // 127.0.0.1 allowed, 127.0.0.2 not: the connection goes to 127.0.0.1 only.
    const res = await guard({ resolve, allow: ['127.0.0.1'] }).fetch(`http://mixed.test:${server.port}/`);
    expect(res.status).toBe(200);
    expect(server.seen.splice(0).map((r) => r.socket.localAddress)).toEqual(['127.0.0.1']);
  });

  it('re-checks at connect time: a name that turns private after the check (DNS rebinding) is refused', async () => {
    let calls = 0;
    const resolve: Resolver = async () =>
      calls++ === 0 ? [{ address: '93.184.215.14', family: 4 }] : [{ address: '127.0.0.1', family: 4 }];
    const g = guard({ resolve });
    await expect(g.check(`http://rebind.test:${server.port}/`)).resolves.toMatchObject({ addresses: [{ address: '93.184.215.14' }] });
    const f = await failure(g.fetch(`http://rebind.test:${server.port}/`));
    expect(f.code).toBe('NH_OUTBOUND_BLOCKED');
    expect(calls).toBe(2);
  });

  it('checks every redirect hop: an allowed server redirecting to a blocked one gets refused there', async () => {
    const target = await listen();
    const redirector = await listen((_req, res) => {
      res.writeHead(302, { location: `http://127.0.0.1:${target.port}/secret` }).end();
    });
    try {
      const g = guard({ allow: [`127.0.0.1:${redirector.port}`] });
      const f = await failure(g.fetch(`http://127.0.0.1:${redirector.port}/`, { redirect: 'follow' }));
      expect(f.code).toBe('NH_OUTBOUND_BLOCKED');
      expect(f.details).toMatchObject({ port: target.port }); // the refused hop, not the allowed first one
      expect(redirector.seen).toHaveLength(1);
      expect(target.seen).toHaveLength(0);
    } finally {
      await target.close();
      await redirector.close();
    }
  });

  it('says the same for an open and a closed port, and nothing low-level when an allowed one is closed', async () => {
    const closed = await closedPort();
    const g = guard();
    const open = await failure(g.fetch(`http://127.0.0.1:${server.port}/`));
    const shut = await failure(g.fetch(`http://127.0.0.1:${closed}/`));
    expect(shut.code).toBe(open.code);
    expect(shut.message).toBe(open.message);
    const openByName = await failure(
      guard({ resolve: async () => [{ address: '127.0.0.1', family: 4 }] }).fetch(`http://a.test:${server.port}/`),
    );
    const shutByName = await failure(
      guard({ resolve: async () => [{ address: '127.0.0.1', family: 4 }] }).fetch(`http://a.test:${closed}/`),
    );
    expect(shutByName.message).toBe(openByName.message);

    const allowed = await failure(guard({ allow: [`127.0.0.1:${closed}`] }).fetch(`http://127.0.0.1:${closed}/`));
    expect(allowed.code).toBe('NH_OUTBOUND_FAILED');
    expect(JSON.stringify(allowed)).not.toMatch(/ECONN|errno|connect/i);
  });

  it('pins https too: the socket goes to the checked address while the certificate is checked for the name', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'nh-outbound-tls-'));
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-days',
        '1',
        '-subj',
        '/CN=secure.test',
        '-addext',
        'subjectAltName=DNS:secure.test',
        '-keyout',
        join(dir, 'key.pem'),
        '-out',
        join(dir, 'cert.pem'),
      ],
      { stdio: 'ignore' },
    );
    const cert = readFileSync(join(dir, 'cert.pem'));
    const tls = createHttpsServer({ key: readFileSync(join(dir, 'key.pem')), cert }, (req, res) => res.end(`tls ${req.headers.host}`));
    await new Promise<void>((r) => tls.listen(0, '127.0.0.1', r));
    const port = (tls.address() as AddressInfo).port;
    try {
      const resolve: Resolver = async () => [{ address: '127.0.0.1', family: 4 }];
      const g = guard({ resolve, ca: cert, allow: [`127.0.0.1:${port}`] });
      const res = await g.fetch(`https://secure.test:${port}/`);
      expect(await res.text()).toBe(`tls secure.test:${port}`);
      // Another name pinned to the same address fails the certificate check: a generic error, nothing low-level.
      const other = await failure(g.fetch(`https://other.test:${port}/`));
      expect(other).toMatchObject({ code: 'NH_OUTBOUND_FAILED', message: 'could not reach other.test' });
      expect((await failure(guard({ resolve, ca: cert }).fetch(`https://secure.test:${port}/`))).code).toBe('NH_OUTBOUND_BLOCKED');
    } finally {
      await new Promise<void>((r) => tls.close(() => r()));
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('keeps an abort an abort, and refuses other schemes', async () => {
    const slow = await listen(() => {});
    try {
      const controller = new AbortController();
      const p = guard({ allow: [`127.0.0.1:${slow.port}`] }).fetch(`http://127.0.0.1:${slow.port}/`, { signal: controller.signal });
      setTimeout(() => controller.abort(), 50);
      await expect(p).rejects.toMatchObject({ name: 'AbortError' });
    } finally {
      slow.seen.splice(0);
      await slow.close();
    }
    await expect(guard().check('file:///etc/passwd')).rejects.toMatchObject({ code: 'NH_OUTBOUND_URL_INVALID' });
    // A malformed request is the caller's mistake, not an unreachable target.
    const g = guard({ allow: [`127.0.0.1:${server.port}`] });
    await expect(g.fetch(`http://127.0.0.1:${server.port}/`, { method: 'GET', body: 'x' })).rejects.toBeInstanceOf(TypeError);
    await expect(guard().fetch('ftp://example.com/')).rejects.toMatchObject({ code: 'NH_OUTBOUND_URL_INVALID' });
  });

  it('refuses malformed allow-list entries with a code, and reads the env form', async () => {
    for (const bad of ['127.0.0.1:0', '127.0.0.1:99999', '2130706433', '0x7f.1', 'exa mple', '[::1', '10.0.0.0/33'])
      expect(() => createOutboundGuard({ allow: [bad] }), bad).toThrow(expect.objectContaining({ code: 'NH_OUTBOUND_ALLOW_INVALID' }));
    const g = guard({ allow: `10.0.0.0/8, [::1]:${server.port} 127.0.0.1:${server.port}` });
    const res = await g.fetch(`http://127.0.0.1:${server.port}/`);
    expect(res.status).toBe(200);
    await expect(g.check('http://10.9.9.9:5432/')).resolves.toMatchObject({ port: 5432 });
    server.seen.splice(0);
  });
});
