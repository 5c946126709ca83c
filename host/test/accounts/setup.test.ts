import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bootAccounts, signup } from './helpers.js';

/**
 * A fresh install has no account: the host makes a one-time setup link (printed by `neonhub start`); the
 * first account made with it owns the workspaces that have no owner (demo). The operator can make
 * accounts at any time (`neonhub user create --owner`); nobody else can.
 */
let b: Awaited<ReturnType<typeof bootAccounts>>;
beforeAll(async () => {
  b = await bootAccounts();
  await b.host.storage.service.createWorkspace({ slug: 'demo' });
}, 60_000);
afterAll(async () => b?.close());

const post = (url: string, payload: unknown, headers: Record<string, string> = {}) =>
  b.app.inject({ method: 'POST', url, payload: payload as object, headers });
const body = { email: 'first@example.com', password: 'correct horse battery', name: 'First' };

describe('the first owner', () => {
  it('is made once with the setup link, owns demo, and the link is spent', async () => {
    const link = await b.app.firstOwnerSetup.link('http://127.0.0.1:4400/');
    expect(link).toMatch(/^http:\/\/127\.0\.0\.1:4400\/setup\?token=[A-Za-z0-9_-]{32}$/);
    const token = new URL(link!).searchParams.get('token')!;

    const wrong = await post('/api/auth/setup', { ...body, token: 'x'.repeat(32) });
    expect([wrong.statusCode, wrong.json().error.code]).toEqual([403, 'NH_AUTH_SETUP_INVALID']);
    const garbage = await post('/api/auth/setup', { ...body, token: 'a\u0000b' });
    expect([garbage.statusCode, garbage.json().error.code]).toEqual([400, 'NH_REQUEST_INVALID']);

    const done = await post('/api/auth/setup', { ...body, token });
    expect(done.statusCode).toBe(201);
    expect(done.json()).toMatchObject({ user: { email: body.email }, owns: ['demo'] });
    const me = await b.app.inject({
      method: 'GET',
      url: '/api/auth/me',
      headers: { authorization: `Bearer ${done.json().session.token}` },
    });
    expect(me.json().workspaces).toEqual([expect.objectContaining({ slug: 'demo', role: 'owner' })]);

    const replay = await post('/api/auth/setup', { ...body, email: 'second@example.com', token });
    expect([replay.statusCode, replay.json().error.code]).toEqual([403, 'NH_AUTH_SETUP_INVALID']);
    expect(await b.app.firstOwnerSetup.link('http://127.0.0.1:4400')).toBeUndefined();
  });

  it('accounts are made by the operator only (`neonhub user create`)', async () => {
    const account = { email: 'ops@example.com', password: 'correct horse battery', owner: true };
    const anonymous = await post('/api/users', account);
    expect([anonymous.statusCode, anonymous.json().error.code]).toEqual([401, 'NH_AUTH_REQUIRED']);
    const someone = await signup(b.app, 'someone');
    const bySession = await post('/api/users', account, someone.auth);
    expect([bySession.statusCode, bySession.json().error.code]).toEqual([403, 'NH_AUTH_FORBIDDEN']);
    const byOperator = await post('/api/users', account, b.operator);
    expect(byOperator.statusCode).toBe(201);
    expect(byOperator.json().owns).toContain('demo');
    const taken = await post('/api/users', account, b.operator);
    expect([taken.statusCode, taken.json().error.code]).toEqual([409, 'NH_AUTH_EMAIL_TAKEN']);
  });
});
