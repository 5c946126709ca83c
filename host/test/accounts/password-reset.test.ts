import { sql } from '@neonhub/db';
import { sha256 } from '@oslojs/crypto/sha2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bootAccounts, signup } from './helpers.js';

/**
 * Password reset and e-mail verification through the workspace's e-mail connector (the sandbox here): the
 * link is read from the sandbox outbox as a person would read it from their mailbox.
 */
type Booted = Awaited<ReturnType<typeof bootAccounts>>;
let b: Booted;
beforeAll(async () => {
  // the default account-mail workspace: the host creates `neonhub-accounts` (no members) with the sandbox connector
  b = await bootAccounts({ publicBaseUrl: 'https://console.example' });
});
afterAll(() => b?.close());

const post = (url: string, payload: unknown, headers: Record<string, string> = {}) =>
  b.app.inject({ method: 'POST', url, payload: payload as Record<string, unknown>, headers });

/** Every message the sandbox connector recorded for `to`, once the host has handed them over. */
async function outbox(to: string) {
  await b.app.accountLinks.settled();
  const r = await b.host.callTool({
    workspace: 'neonhub-accounts',
    tool: 'connector-email-sandbox:outbox',
    input: { to },
    actor: { type: 'system', id: 'test' },
  });
  if (r.status !== 'ok') throw new Error('outbox call did not run');
  return (r.output as { messages: { subject: string; text: string }[] }).messages;
}
const linkIn = (text: string, path: string) => {
  const m = new RegExp(`https://console\\.example${path}\\?token=(nhl_[a-z2-7]+)`).exec(text);
  if (!m?.[1]) throw new Error(`no ${path} link in: ${text}`);
  return m[1];
};

describe('password reset', () => {
  it('mails a one-time link; it sets the password, ends every session and then refuses reuse with a code', async () => {
    const user = await signup(b.app, 'forgetful');
    const requested = await post('/api/auth/password-reset', { email: user.email.toUpperCase() });
    expect([requested.statusCode, requested.json()]).toEqual([202, { accepted: true }]);
    const mail = (await outbox(user.email)).filter((m) => m.subject.includes('Reset'));
    expect(mail).toHaveLength(1);
    const token = linkIn(mail[0]!.text, '/reset'); // the public URL, never the request's Host

    const done = await post('/api/auth/password-reset/confirm', { token, password: 'a brand new password' });
    expect([done.statusCode, done.json()]).toEqual([200, { reset: true, sessionsEnded: 1 }]);
    expect((await b.app.inject({ method: 'GET', url: '/api/auth/me', headers: user.auth })).statusCode).toBe(401);
    expect((await post('/api/auth/login', { email: user.email, password: 'correct horse battery' })).statusCode).toBe(401);
    const fresh = await post('/api/auth/login', { email: user.email, password: 'a brand new password' });
    expect(fresh.statusCode).toBe(200);
    const me = await b.app.inject({
      method: 'GET',
      url: '/api/auth/me',
      headers: { authorization: `Bearer ${fresh.json().session.token}` },
    });
    expect(me.json().emailVerified).toBe(true); // following the link proved the mailbox

    const again = await post('/api/auth/password-reset/confirm', { token, password: 'yet another password' });
    expect([again.statusCode, again.json().error.code]).toEqual([410, 'NH_AUTH_LINK_USED']);
  });

  it('answers an unknown e-mail exactly as a known one, and mails nothing', async () => {
    const nobody = `nobody-${process.pid}@example.com`;
    const r = await post('/api/auth/password-reset', { email: nobody });
    expect([r.statusCode, r.json()]).toEqual([202, { accepted: true }]);
    expect(await outbox(nobody)).toEqual([]);
  });

  it('refuses an expired link, a replaced link and a made-up one, each with its code', async () => {
    const user = await signup(b.app, 'slow');
    await post('/api/auth/password-reset', { email: user.email });
    const first = linkIn((await outbox(user.email)).filter((m) => m.subject.includes('Reset'))[0]!.text, '/reset');
    await post('/api/auth/password-reset', { email: user.email });
    const resets = (await outbox(user.email)).filter((m) => m.subject.includes('Reset'));
    const second = linkIn(resets[1]!.text, '/reset');

    const replaced = await post('/api/auth/password-reset/confirm', { token: first, password: 'a brand new password' });
    expect([replaced.statusCode, replaced.json().error.code]).toEqual([400, 'NH_AUTH_LINK_INVALID']);

    // an hour later (moved in the database: the stored hash is all there is)
    await sql`update account_tokens set expires_at = now() - interval '1 second' where token_hash = ${sha256(new TextEncoder().encode(second))}`.execute(
      b.host.storage.db,
    );
    const expired = await post('/api/auth/password-reset/confirm', { token: second, password: 'a brand new password' });
    expect([expired.statusCode, expired.json().error.code]).toEqual([410, 'NH_AUTH_LINK_EXPIRED']);

    const madeUp = await post('/api/auth/password-reset/confirm', { token: `nhl_${'a'.repeat(32)}`, password: 'a brand new password' });
    expect([madeUp.statusCode, madeUp.json().error.code]).toEqual([400, 'NH_AUTH_LINK_INVALID']);
    expect((await post('/api/auth/login', { email: user.email, password: 'correct horse battery' })).statusCode).toBe(200);
  });

  it('two concurrent uses of one link: exactly one succeeds', async () => {
    const user = await signup(b.app, 'racer');
    await post('/api/auth/password-reset', { email: user.email });
    const token = linkIn((await outbox(user.email)).filter((m) => m.subject.includes('Reset'))[0]!.text, '/reset');
    const both = await Promise.all([
      post('/api/auth/password-reset/confirm', { token, password: 'first new password' }),
      post('/api/auth/password-reset/confirm', { token, password: 'second new password' }),
    ]);
    expect(both.map((r) => r.statusCode).sort()).toEqual([200, 410]);
  });

  it('mails at most 3 links per account in 15 minutes (the rest are dropped, the answer is the same)', async () => {
    const user = await signup(b.app, 'bombed');
    for (let i = 0; i < 5; i++) expect((await post('/api/auth/password-reset', { email: user.email })).statusCode).toBe(202);
    // the sign-up's verification mail took one of the three
    expect((await outbox(user.email)).filter((m) => m.subject.includes('Reset'))).toHaveLength(2);
  });
});

describe('where the links are', () => {
  it('only the operator can read the account-mail outbox: the host made its workspace, with no members', async () => {
    const user = await signup(b.app, 'curious');
    await outbox(user.email); // the workspace exists once a link was mailed
    const url = '/api/workspaces/neonhub-accounts/tools/connector-email-sandbox:outbox/call';
    const asUser = await b.app.inject({ method: 'POST', url, headers: user.auth, payload: { input: {} } });
    expect([asUser.statusCode, asUser.json().error.code]).toEqual([404, 'NH_WORKSPACE_NOT_FOUND']);
    const asOperator = await b.app.inject({ method: 'POST', url, headers: b.operator, payload: { input: { to: user.email } } });
    expect(asOperator.statusCode).toBe(200);
    expect(asOperator.json().output.messages).toHaveLength(1);
  });
});

describe('e-mail verification', () => {
  it('sign-up mails a verification link; confirming it marks the e-mail verified, once', async () => {
    const user = await signup(b.app, 'verifier');
    const before = await b.app.inject({ method: 'GET', url: '/api/auth/me', headers: user.auth });
    expect(before.json().emailVerified).toBe(false);
    const mail = (await outbox(user.email)).filter((m) => m.subject.includes('Confirm'));
    expect(mail).toHaveLength(1);
    const token = linkIn(mail[0]!.text, '/verify');
    const ok = await post('/api/auth/verify-email/confirm', { token });
    expect([ok.statusCode, ok.json()]).toEqual([200, { verified: true, email: user.email }]);
    expect((await b.app.inject({ method: 'GET', url: '/api/auth/me', headers: user.auth })).json().emailVerified).toBe(true);
    const again = await post('/api/auth/verify-email/confirm', { token });
    expect([again.statusCode, again.json().error.code]).toEqual([410, 'NH_AUTH_LINK_USED']);
    // a reset link is not a verification link
    const wrongKind = await post('/api/auth/password-reset/confirm', { token, password: 'a brand new password' });
    expect(wrongKind.json().error.code).toBe('NH_AUTH_LINK_INVALID');
  });

  it('a signed-in user can ask for a new link; without a session it is 401', async () => {
    const user = await signup(b.app, 'resend');
    expect((await post('/api/auth/verify-email', {}, user.auth)).statusCode).toBe(202);
    expect((await outbox(user.email)).filter((m) => m.subject.includes('Confirm'))).toHaveLength(2);
    const anonymous = await post('/api/auth/verify-email', {});
    expect([anonymous.statusCode, anonymous.json().error.code]).toEqual([401, 'NH_AUTH_REQUIRED']);
  });
});
