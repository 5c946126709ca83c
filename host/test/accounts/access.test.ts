import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { bootAccounts, signup } from './helpers.js';

type Booted = Awaited<ReturnType<typeof bootAccounts>>;
type User = Awaited<ReturnType<typeof signup>>;
let b: Booted;
let owner: User;
let admin: User;
let member: User;
let viewer: User;
let outsider: User;
let wsA: { id: string; slug: string };
let wsB: { id: string; slug: string };

const inject = (user: User | undefined, method: string, url: string, payload?: unknown) =>
  b.app.inject({
    method: method as 'GET',
    url,
    headers: user?.auth ?? {},
    ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }),
  });

beforeAll(async () => {
  b = await bootAccounts();
  const users = await Promise.all(['owner', 'admin', 'member', 'viewer', 'outsider'].map((n) => signup(b.app, n)));
  [owner, admin, member, viewer, outsider] = users as [User, User, User, User, User];
  wsA = (await inject(owner, 'POST', '/api/workspaces', { slug: 'space-a' })).json().workspace;
  wsB = (await inject(outsider, 'POST', '/api/workspaces', { slug: 'space-b' })).json().workspace;
  for (const [u, role] of [
    [admin, 'admin'],
    [member, 'member'],
    [viewer, 'viewer'],
  ] as const) {
    const r = await inject(owner, 'POST', '/api/workspaces/space-a/members', { email: u.email, role });
    expect(r.statusCode, r.body).toBe(201);
  }
  expect((await inject(owner, 'POST', '/api/workspaces/space-a/plugins/agent-seo/enable')).statusCode).toBe(200);
  expect((await inject(outsider, 'POST', '/api/workspaces/space-b/plugins/agent-seo/enable')).statusCode).toBe(200);
});
afterAll(() => b?.close());

/** Every route that changes something in a workspace, with a body that would otherwise be valid. */
const writeRoutes = (ws: string, targetUserId: string): [string, string, unknown?][] => [
  ['POST', `/api/workspaces/${ws}/plugins/agent-seo/enable`],
  ['POST', `/api/workspaces/${ws}/plugins/agent-seo/disable`],
  ['PUT', `/api/workspaces/${ws}/plugins/agent-seo/config`, { config: {} }],
  ['PUT', `/api/workspaces/${ws}/plugins/connector-email-sandbox/secrets/SMTP_PASSWORD`, { value: 'x' }],
  ['POST', `/api/workspaces/${ws}/tools/connector-email-sandbox:send/call`, { input: {} }],
  ['POST', `/api/workspaces/${ws}/members`, { email: 'new@example.com', role: 'member' }],
  ['PATCH', `/api/workspaces/${ws}/members/${targetUserId}`, { role: 'viewer' }],
  ['DELETE', `/api/workspaces/${ws}/members/${targetUserId}`],
  ['DELETE', `/api/workspaces/${ws}/invites/new@example.com`],
  ['POST', `/api/workspaces/${ws}/tokens`, { name: 't', role: 'viewer' }],
  ['DELETE', `/api/workspaces/${ws}/tokens/00000000-0000-4000-8000-000000000000`],
];

describe('roles', () => {
  it('a viewer can change nothing: every write route answers 403 NH_AUTH_FORBIDDEN', async () => {
    for (const [method, url, body] of writeRoutes('space-a', member.id)) {
      const r = await inject(viewer, method, url, body);
      expect([r.statusCode, r.json().error?.code], `${method} ${url}`).toEqual([403, 'NH_AUTH_FORBIDDEN']);
    }
    expect(
      (await inject(owner, 'GET', '/api/workspaces/space-a/members'))
        .json()
        .members.map((m: { role: string }) => m.role)
        .sort(),
    ).toEqual(['admin', 'member', 'owner', 'viewer']);
  });

  it('a viewer reads, and may call a tool without side effects; a member runs tools but manages nothing', async () => {
    for (const url of [
      '/api/workspaces/space-a/tools',
      '/api/workspaces/space-a/plugins',
      '/api/workspaces/space-a/members',
      '/api/workspaces/space-a/calls',
    ])
      expect((await inject(viewer, 'GET', url)).statusCode, url).toBe(200);
    const call = await inject(viewer, 'POST', '/api/workspaces/space-a/tools/agent-seo:analyze_page/call', {
      input: { text: 'Hello world. A short page.' },
    });
    expect(call.statusCode, call.body).toBe(200);
    const memberCall = await inject(member, 'POST', '/api/workspaces/space-a/tools/agent-seo:analyze_page/call', {
      input: { text: 'Members run tools.' },
    });
    expect(memberCall.statusCode).toBe(200);
    const enable = await inject(member, 'POST', '/api/workspaces/space-a/plugins/agent-seo/disable');
    expect([enable.statusCode, enable.json().error.code]).toEqual([403, 'NH_AUTH_FORBIDDEN']);
  });

  it('the call record of a workspace lists the tool calls made in it', async () => {
    // the call log is written behind the call path (flushed every 100 ms): wait for it to land
    await vi.waitFor(
      async () => {
        const calls = (await inject(member, 'GET', '/api/workspaces/space-a/calls')).json().calls as { tool: string; status: string }[];
        expect(calls.some((c) => c.tool.endsWith('analyze_page') && c.status === 'ok')).toBe(true);
      },
      { timeout: 20_000, interval: 50 },
    );
  });

  it('an admin manages plugins and members but cannot touch the owner role', async () => {
    expect((await inject(admin, 'PUT', '/api/workspaces/space-a/plugins/agent-seo/config', { config: {} })).statusCode).toBe(200);
    const promote = await inject(admin, 'PATCH', `/api/workspaces/space-a/members/${member.id}`, { role: 'owner' });
    expect(promote.json().error.code).toBe('NH_AUTH_FORBIDDEN');
    const demoteOwner = await inject(admin, 'PATCH', `/api/workspaces/space-a/members/${owner.id}`, { role: 'admin' });
    expect(demoteOwner.json().error.code).toBe('NH_AUTH_FORBIDDEN');
    const token = await inject(admin, 'POST', '/api/workspaces/space-a/tokens', { name: 'ci', role: 'owner' });
    expect(token.json().error.code).toBe('NH_AUTH_FORBIDDEN');
  });
});

describe('the last owner', () => {
  it('cannot be demoted or removed (409 NH_MEMBER_LAST_OWNER); with a second owner both work', async () => {
    const demote = await inject(owner, 'PATCH', `/api/workspaces/space-a/members/${owner.id}`, { role: 'admin' });
    expect([demote.statusCode, demote.json().error.code]).toEqual([409, 'NH_MEMBER_LAST_OWNER']);
    const leave = await inject(owner, 'DELETE', `/api/workspaces/space-a/members/${owner.id}`);
    expect([leave.statusCode, leave.json().error.code]).toEqual([409, 'NH_MEMBER_LAST_OWNER']);
    const second = await signup(b.app, 'second-owner');
    const ws = (await inject(second, 'POST', '/api/workspaces', { slug: 'space-c' })).json().workspace;
    expect((await inject(second, 'POST', `/api/workspaces/${ws.slug}/members`, { email: owner.email, role: 'owner' })).statusCode).toBe(
      201,
    );
    expect((await inject(owner, 'PATCH', `/api/workspaces/${ws.slug}/members/${second.id}`, { role: 'viewer' })).statusCode).toBe(200);
    const last = await inject(owner, 'DELETE', `/api/workspaces/${ws.slug}/members/${owner.id}`);
    expect(last.json().error.code).toBe('NH_MEMBER_LAST_OWNER');
  });
});

describe('isolation', () => {
  it('a member of A sees nothing of B: every B route answers 404 NH_WORKSPACE_NOT_FOUND, by slug or id', async () => {
    const reads: [string, string, unknown?][] = [
      ['GET', '/api/workspaces/B/tools'],
      ['GET', '/api/workspaces/B/plugins'],
      ['GET', '/api/workspaces/B/members'],
      ['GET', '/api/workspaces/B/calls'],
      ['GET', '/api/workspaces/B/tokens'],
      ['POST', '/api/workspaces/B/tools/agent-seo:analyze_page/call', { input: { text: 'x' } }],
    ];
    for (const key of [wsB.slug, wsB.id]) {
      for (const [method, url, body] of [...reads, ...writeRoutes('B', outsider.id)]) {
        const path = url.replace('/B/', `/${key}/`);
        for (const who of [owner, member]) {
          const r = await inject(who, method, path, body);
          expect([r.statusCode, r.json().error?.code], `${method} ${path}`).toEqual([404, 'NH_WORKSPACE_NOT_FOUND']);
        }
      }
    }
    // and the answer for B is the same as for a workspace that does not exist
    const missing = await inject(member, 'GET', '/api/workspaces/no-such-space/tools');
    const hidden = await inject(member, 'GET', `/api/workspaces/${wsB.slug}/tools`);
    expect(hidden.json().error.message.replace(wsB.slug, 'X')).toBe(missing.json().error.message.replace('no-such-space', 'X'));
    const list = (await inject(member, 'GET', '/api/workspaces')).json().workspaces.map((w: { slug: string }) => w.slug);
    expect(list).toEqual(['space-a']);
  });

  it('an API token of A cannot reach B, and lists only A', async () => {
    const created = (await inject(owner, 'POST', '/api/workspaces/space-a/tokens', { name: 'ci', role: 'member' })).json();
    const auth = { authorization: `Bearer ${created.token}` };
    expect((await b.app.inject({ method: 'GET', url: '/api/workspaces/space-a/tools', headers: auth })).statusCode).toBe(200);
    expect((await b.app.inject({ method: 'GET', url: `/api/workspaces/${wsB.slug}/tools`, headers: auth })).statusCode).toBe(404);
    expect(
      (await b.app.inject({ method: 'GET', url: '/api/workspaces', headers: auth })).json().workspaces.map((w: { slug: string }) => w.slug),
    ).toEqual(['space-a']);
  });
});

describe('invites', () => {
  it('an invite for an e-mail without an account becomes a membership at sign-up', async () => {
    const email = `later-${process.pid}@example.com`;
    const r = await inject(owner, 'POST', '/api/workspaces/space-a/members', { email, role: 'viewer' });
    expect(r.json().invite).toEqual({ email, role: 'viewer' });
    const res = await b.app.inject({ method: 'POST', url: '/api/auth/signup', payload: { email, password: 'a long enough password' } });
    expect(res.json().joined).toEqual([wsA.id]);
    const me = await b.app.inject({ method: 'GET', url: '/api/auth/me', headers: { authorization: `Bearer ${res.json().session.token}` } });
    expect(me.json().workspaces).toEqual([expect.objectContaining({ slug: 'space-a', role: 'viewer' })]);
  });
});
