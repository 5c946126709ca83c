import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bootAccounts, signup } from './helpers.js';

/**
 * Log-in that cannot be raced or turned against the user (issue 11, item 6): the limit is counted before the
 * password check, the client address comes from the socket (or a trusted proxy, or the console with its
 * secret), and throttling is keyed by account and address.
 */
type Booted = Awaited<ReturnType<typeof bootAccounts>>;
let b: Booted;
const SECRET = 'console-secret-for-this-test';
beforeAll(async () => {
  process.env.NEONHUB_CONSOLE_SECRET = SECRET;
  // defaults: 10 per (account, address), 30 per address; a low account ceiling keeps the test short
  b = await bootAccounts({ loginLimit: { accountLimit: 20 }, trustedProxies: '10.9.0.0/16' });
});
afterAll(async () => {
  delete process.env.NEONHUB_CONSOLE_SECRET;
  await b?.close();
});

const PASSWORD = 'correct horse battery';
/** A log-in as the console makes it for a browser at `ip`. */
const viaConsole = (ip: string) => ({ 'x-neonhub-console-secret': SECRET, 'x-neonhub-client-ip': ip });
const login = (email: string, password: string, opts: { headers?: Record<string, string>; remoteAddress?: string } = {}) =>
  b.app.inject({ method: 'POST', url: '/api/auth/login', payload: { email, password }, ...opts });

describe('the attempt limit is atomic', () => {
  it('20 concurrent wrong passwords for one account from one address: exactly 10 are checked, 10 get 429 with a code', async () => {
    const victim = await signup(b.app, 'victim');
    const results = await Promise.all(
      Array.from({ length: 20 }, () => login(victim.email, 'wrong password', { remoteAddress: '127.0.0.3' })),
    );
    const byStatus = (s: number) => results.filter((r) => r.statusCode === s);
    expect(byStatus(401).map((r) => r.json().error.code)).toEqual(Array(10).fill('NH_AUTH_CREDENTIALS_INVALID'));
    expect(byStatus(429)).toHaveLength(10);
    for (const r of byStatus(429)) {
      expect(r.json().error).toMatchObject({ code: 'NH_AUTH_RATE_LIMITED', details: { scope: 'account-address' } });
      expect(Number(r.headers['retry-after'])).toBeGreaterThan(0);
    }
    // the right password from that address waits too; from the owner's own address it works
    expect((await login(victim.email, PASSWORD, { remoteAddress: '127.0.0.3' })).statusCode).toBe(429);
    expect((await login(victim.email, PASSWORD, { headers: viaConsole('198.51.100.40') })).statusCode).toBe(200);
  });
});

describe('the client address', () => {
  it('rotating X-NeonHub-Client-IP from loopback without the console secret does not get past the address block', async () => {
    let refused = 0;
    for (let i = 0; i < 32; i++) {
      const r = await login(`sprayed-${i}@example.com`, 'guess guess', {
        remoteAddress: '127.0.0.4',
        headers: { 'x-neonhub-client-ip': `10.1.${i}.1`, 'x-forwarded-for': `10.2.${i}.1` },
      });
      if (r.statusCode === 429) {
        refused++;
        expect(r.json().error.details.scope).toBe('address');
      } else expect(r.statusCode).toBe(401);
    }
    expect(refused).toBe(2); // 30 failures allowed per address, then the address is refused
    // a wrong console secret is the same as none
    const forged = await login('sprayed-x@example.com', 'guess guess', {
      remoteAddress: '127.0.0.4',
      headers: { 'x-neonhub-console-secret': 'guessed', 'x-neonhub-client-ip': '10.3.0.1' },
    });
    expect(forged.json().error.details.scope).toBe('address');
  });

  it('an IPv6 client is counted by its /64: rotating addresses inside it does not get past the address block', async () => {
    const statuses: number[] = [];
    for (let i = 1; i <= 32; i++)
      statuses.push(
        (await login(`v6-${i}@example.com`, 'guess guess', { headers: viaConsole(`2001:db8:7:7::${i.toString(16)}`) })).statusCode,
      );
    expect(statuses.filter((s) => s === 429)).toHaveLength(2);
    expect((await login('v6-x@example.com', 'guess guess', { headers: viaConsole('2001:db8:7:8::1') })).statusCode).toBe(401);
  });

  it('behind a trusted proxy, each client behind it has its own count (X-Forwarded-For, right-most untrusted hop)', async () => {
    const user = await signup(b.app, 'proxied');
    for (let i = 0; i < 10; i++)
      await login(user.email, 'wrong password', { remoteAddress: '10.9.0.1', headers: { 'x-forwarded-for': '1.2.3.4, 203.0.113.50' } });
    const blocked = await login(user.email, PASSWORD, { remoteAddress: '10.9.0.1', headers: { 'x-forwarded-for': '203.0.113.50' } });
    expect(blocked.statusCode).toBe(429);
    const other = await login(user.email, PASSWORD, { remoteAddress: '10.9.0.1', headers: { 'x-forwarded-for': '203.0.113.51' } });
    expect(other.statusCode).toBe(200);
    // an untrusted peer cannot pick its address with X-Forwarded-For
    const direct = await login(user.email, 'wrong password', {
      remoteAddress: '198.51.100.99',
      headers: { 'x-forwarded-for': '203.0.113.52' },
    });
    expect(direct.statusCode).toBe(401);
  });
});

describe('throttling by account and address', () => {
  it("a stranger's failures lock only the stranger; the owner still logs in, and a known-good address passes the account ceiling", async () => {
    const owner = await signup(b.app, 'owner');
    const home = viaConsole('198.51.100.1');
    expect((await login(owner.email, PASSWORD, { headers: home })).statusCode).toBe(200);

    for (let i = 0; i < 10; i++)
      expect((await login(owner.email, 'guess guess', { headers: viaConsole('203.0.113.9') })).statusCode).toBe(401);
    const stranger = await login(owner.email, PASSWORD, { headers: viaConsole('203.0.113.9') });
    expect(stranger.json().error).toMatchObject({ code: 'NH_AUTH_RATE_LIMITED', details: { scope: 'account-address' } });
    expect((await login(owner.email, PASSWORD, { headers: home })).statusCode).toBe(200);
    expect((await login(owner.email, PASSWORD, { headers: viaConsole('198.51.100.2') })).statusCode).toBe(200); // a new address too

    // many strangers (one failure each): past the account ceiling (20) new addresses wait, the known-good one does not
    for (let i = 0; i < 11; i++) await login(owner.email, 'guess guess', { headers: viaConsole(`192.0.2.${i + 1}`) });
    const fresh = await login(owner.email, PASSWORD, { headers: viaConsole('198.51.100.3') });
    expect(fresh.json().error).toMatchObject({ code: 'NH_AUTH_RATE_LIMITED', details: { scope: 'account' } });
    expect((await login(owner.email, PASSWORD, { headers: home })).statusCode).toBe(200);
  });
});

describe('bad bodies answer 400 with a code, never 500', () => {
  it.each([
    ['login: NUL in the e-mail', '/api/auth/login', { email: 'a\u0000@example.com', password: 'whatever' }],
    ['login: NUL in the password', '/api/auth/login', { email: 'a@example.com', password: 'what\u0000ever' }],
    ['login: e-mail not a string', '/api/auth/login', { email: ['a'], password: 'x' }],
    ['login: extra field', '/api/auth/login', { email: 'a@example.com', password: 'x', admin: true }],
    ['signup: NUL in the name', '/api/auth/signup', { email: 'nul@example.com', password: 'long enough pw', name: 'a\u0000b' }],
    ['signup: NUL in the e-mail', '/api/auth/signup', { email: 'n\u0000ul@example.com', password: 'long enough pw' }],
    ['reset: NUL in the e-mail', '/api/auth/password-reset', { email: 'a\u0000@example.com' }],
    ['reset: no e-mail', '/api/auth/password-reset', {}],
    ['confirm: a number for the token', '/api/auth/password-reset/confirm', { token: 7, password: 'long enough pw' }],
    ['verify: NUL in the token', '/api/auth/verify-email/confirm', { token: 'nhl_\u0000' }, 'NH_AUTH_LINK_INVALID'],
    [
      'confirm: not a link token',
      '/api/auth/password-reset/confirm',
      { token: "' or 1=1 --", password: 'long enough pw' },
      'NH_AUTH_LINK_INVALID',
    ],
  ])('%s', async (_name, url, payload, code = 'NH_REQUEST_INVALID') => {
    const r = await b.app.inject({ method: 'POST', url, payload, remoteAddress: '127.0.0.9' });
    expect([r.statusCode, r.json().error.code]).toEqual([400, code]);
  });

  it.each([
    ['invalid JSON', '{"email":', 'application/json'],
    ['a JSON array', '[1,2]', 'application/json'],
    ['a JSON string', '"x"', 'application/json'],
    ['null', 'null', 'application/json'],
    ['binary garbage', '\u0000\u00ff\u0001{', 'application/json'],
  ])('login with %s', async (_name, payload, type) => {
    const r = await b.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload,
      headers: { 'content-type': type },
      remoteAddress: '127.0.0.9',
    });
    expect(r.statusCode).toBe(400);
    expect(r.json().error.code).toBe('NH_REQUEST_INVALID');
  });

  it('an unknown content type is a 4xx with a code', async () => {
    const r = await b.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: 'email=a',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(r.statusCode).toBeGreaterThanOrEqual(400);
    expect(r.statusCode).toBeLessThan(500);
    expect(r.json().error.code).toBe('NH_REQUEST_INVALID');
  });
});
