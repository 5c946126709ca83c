import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bootAccounts, signup } from './helpers.js';

type Booted = Awaited<ReturnType<typeof bootAccounts>>;
let b: Booted;
beforeAll(async () => {
  b = await bootAccounts({ loginLimit: { limit: 3, windowMs: 60_000 } });
});
afterAll(() => b?.close());

const json = (payload: unknown) => ({ payload: payload as Record<string, unknown> });

async function workspaceWith(owner: { auth: Record<string, string> }, slug: string) {
  const res = await b.app.inject({ method: 'POST', url: '/api/workspaces', headers: owner.auth, ...json({ slug, name: slug }) });
  expect(res.statusCode, res.body).toBe(201);
  return res.json().workspace as { id: string; slug: string };
}

describe('sign-up, log-in, me', () => {
  it('signs up, logs in with the password, and me lists only the workspaces the user belongs to', async () => {
    const alice = await signup(b.app, 'alice');
    const ws = await workspaceWith(alice, 'alice-space');
    const login = await b.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      ...json({ email: alice.email.toUpperCase(), password: 'correct horse battery' }),
    });
    expect(login.statusCode).toBe(200);
    expect(login.headers['set-cookie']).toMatch(
      /^__Host-neonhub_session=nhs_[a-z2-7]+\.[a-z2-7]+; Path=\/; HttpOnly; Secure; SameSite=Lax/,
    );
    const me = await b.app.inject({
      method: 'GET',
      url: '/api/auth/me',
      headers: { authorization: `Bearer ${login.json().session.token}` },
    });
    expect(me.json().workspaces).toEqual([expect.objectContaining({ slug: ws.slug, role: 'owner' })]);
    const list = await b.app.inject({ method: 'GET', url: '/api/workspaces', headers: alice.auth });
    expect(list.json().workspaces.map((w: { slug: string }) => w.slug)).toEqual(['alice-space']);
  });

  it('refuses a wrong password and a taken e-mail with codes', async () => {
    const bob = await signup(b.app, 'bob');
    const wrong = await b.app.inject({ method: 'POST', url: '/api/auth/login', ...json({ email: bob.email, password: 'nope nope nope' }) });
    expect([wrong.statusCode, wrong.json().error.code]).toEqual([401, 'NH_AUTH_CREDENTIALS_INVALID']);
    const again = await b.app.inject({
      method: 'POST',
      url: '/api/auth/signup',
      ...json({ email: bob.email, password: 'another long one' }),
    });
    expect([again.statusCode, again.json().error.code]).toEqual([409, 'NH_AUTH_EMAIL_TAKEN']);
  });

  it('reads the session from the cookie too, and refuses a cross-site write made with it', async () => {
    const carol = await signup(b.app, 'carol');
    const cookie = `__Host-neonhub_session=${carol.token}`;
    const me = await b.app.inject({ method: 'GET', url: '/api/auth/me', headers: { cookie } });
    expect(me.statusCode).toBe(200);
    const csrf = await b.app.inject({
      method: 'POST',
      url: '/api/workspaces',
      headers: { cookie, origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' },
      ...json({ slug: 'evil' }),
    });
    expect([csrf.statusCode, csrf.json().error.code]).toEqual([403, 'NH_HTTP_ORIGIN_FORBIDDEN']);
    const sameOrigin = await b.app.inject({
      method: 'POST',
      url: '/api/workspaces',
      headers: { cookie, origin: 'http://localhost:4400', host: 'localhost:4400' },
      ...json({ slug: 'carol-space' }),
    });
    expect(sameOrigin.statusCode).toBe(201);
  });
});

// Log-in throttling (atomic, by account and address) and the client address: login-security.test.ts.

describe('logout everywhere', () => {
  it('ends every session of the user, and only theirs', async () => {
    const frank = await signup(b.app, 'frank');
    const second = (
      await b.app.inject({ method: 'POST', url: '/api/auth/login', ...json({ email: frank.email, password: 'correct horse battery' }) })
    ).json().session.token;
    const other = await signup(b.app, 'gina');
    const out = await b.app.inject({ method: 'POST', url: '/api/auth/logout-all', headers: frank.auth });
    expect(out.json()).toEqual({ loggedOut: true, sessionsEnded: 2 });
    for (const token of [frank.token, second]) {
      const r = await b.app.inject({ method: 'GET', url: '/api/auth/me', headers: { authorization: `Bearer ${token}` } });
      expect([r.statusCode, r.json().error.code]).toEqual([401, 'NH_AUTH_REQUIRED']);
    }
    expect((await b.app.inject({ method: 'GET', url: '/api/auth/me', headers: other.auth })).statusCode).toBe(200);
  });

  it('logout ends only the current session', async () => {
    const hank = await signup(b.app, 'hank');
    const second = (
      await b.app.inject({ method: 'POST', url: '/api/auth/login', ...json({ email: hank.email, password: 'correct horse battery' }) })
    ).json().session.token;
    await b.app.inject({ method: 'POST', url: '/api/auth/logout', headers: hank.auth });
    expect((await b.app.inject({ method: 'GET', url: '/api/auth/me', headers: hank.auth })).statusCode).toBe(401);
    expect((await b.app.inject({ method: 'GET', url: '/api/auth/me', headers: { authorization: `Bearer ${second}` } })).statusCode).toBe(
      200,
    );
  });
});
