import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DAY_MS } from '../../src/accounts/sessions.js';
import { bootAccounts, signup } from './helpers.js';

let clock = Date.parse('2026-01-01T00:00:00Z');
let b: Awaited<ReturnType<typeof bootAccounts>>;
beforeAll(async () => {
  b = await bootAccounts({ sessions: { now: () => new Date(clock) } }, ['agent-seo']);
});
afterAll(() => b?.close());

const me = (token: string) => b.app.inject({ method: 'GET', url: '/api/auth/me', headers: { authorization: `Bearer ${token}` } });

describe('session expiry', () => {
  it('slides: used every 20 days it lives on; unused for 30 days it ends', async () => {
    const u = await signup(b.app, 'slider');
    const first = (await me(u.token)).json().session.expiresAt;
    expect(Date.parse(first)).toBe(clock + 30 * DAY_MS);

    clock += 30 * 60_000; // within the hour: not written again
    expect((await me(u.token)).json().session.expiresAt).toBe(first);

    clock += 20 * DAY_MS; // used again after 20 days: pushed to 30 days from now
    const slid = (await me(u.token)).json().session.expiresAt;
    expect(Date.parse(slid)).toBe(clock + 30 * DAY_MS);

    clock += 20 * DAY_MS; // 40 days after sign-up, still alive thanks to the slide
    expect((await me(u.token)).statusCode).toBe(200);

    clock += 30 * DAY_MS + 1; // unused for 30 days: gone
    const expired = await me(u.token);
    expect([expired.statusCode, expired.json().error.code]).toEqual([401, 'NH_AUTH_REQUIRED']);
  });

  it('rejects a token whose secret part is wrong (same id)', async () => {
    const u = await signup(b.app, 'forger');
    const [id] = u.token.split('.');
    const forged = await me(`${id}.${'a'.repeat(24)}`);
    expect(forged.statusCode).toBe(401);
    expect((await me(u.token)).statusCode).toBe(200);
  });

  it('stores only a hash of the secret', async () => {
    const u = await signup(b.app, 'hashed');
    const secret = u.token.split('.')[1]!;
    const rows = await b.host.storage.db
      .selectFrom('sessions' as never)
      .selectAll()
      .execute();
    expect(JSON.stringify(rows)).not.toContain(secret);
  });
});
