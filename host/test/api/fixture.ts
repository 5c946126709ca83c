import type { FastifyInstance } from 'fastify';
import { bootAccounts, signup } from '../accounts/helpers.js';

type User = Awaited<ReturnType<typeof signup>>;
export type Booted = Awaited<ReturnType<typeof bootAccounts>>;

/** Who calls, and how its answer for a route with a given access is judged. */
export interface Caller {
  name: string;
  headers: Record<string, string>;
  /** `none`: no credentials; `foreign`: a principal of another workspace using this one's ids. */
  kind: 'none' | 'session' | 'token' | 'operator' | 'foreign';
  role?: 'viewer' | 'member' | 'admin' | 'owner';
  user?: User;
}

const password = 'correct horse battery';

/**
 * A host with workspace `space-a` (owner, admin, member, viewer as sessions; viewer and admin API
 * tokens), `space-b` owned by an outsider, a finished run in A, and the operator credential.
 */
export async function bootMatrix() {
  const b = await bootAccounts();
  const app: FastifyInstance = b.app;
  const users = await Promise.all(['owner', 'admin', 'member', 'viewer', 'outsider'].map((n) => signup(app, n)));
  const [owner, admin, member, viewer, outsider] = users as [User, User, User, User, User];
  const inject = (headers: Record<string, string>, method: string, url: string, payload?: unknown) =>
    app.inject({ method: method as 'GET', url, headers, ...(payload === undefined ? {} : { payload: payload as object }) });
  const ok = async (res: Promise<{ statusCode: number; body: string }>) => {
    const r = await res;
    if (r.statusCode >= 300) throw new Error(`fixture request failed: ${r.statusCode} ${r.body}`);
    return JSON.parse(r.body || '{}');
  };
  const wsA = (await ok(inject(owner.auth, 'POST', '/api/workspaces', { slug: 'space-a' }))).workspace as { id: string; slug: string };
  const wsB = (await ok(inject(outsider.auth, 'POST', '/api/workspaces', { slug: 'space-b' }))).workspace as { id: string; slug: string };
  for (const [u, role] of [
    [admin, 'admin'],
    [member, 'member'],
    [viewer, 'viewer'],
  ] as const)
    await ok(inject(owner.auth, 'POST', '/api/workspaces/space-a/members', { email: u.email, role }));
  for (const [u, ws] of [
    [owner, 'space-a'],
    [outsider, 'space-b'],
  ] as const)
    for (const p of ['agent-seo', 'connector-email-sandbox']) await ok(inject(u.auth, 'POST', `/api/workspaces/${ws}/plugins/${p}/enable`));
  const token = async (role: string) =>
    (await ok(inject(owner.auth, 'POST', '/api/workspaces/space-a/tokens', { name: `t-${role}`, role }))).token as string;
  const viewerToken = await token('viewer');
  const adminToken = await token('admin');
  const run = (
    await ok(
      inject(owner.auth, 'POST', '/api/workspaces/space-a/runs', {
        goal: 'analyze a page',
        plan: { steps: [{ id: 'analyze', tool: 'agent-seo:analyze_page', input: { text: 'Hello world. A short page.' } }] },
      }),
    )
  ).run as { id: string };

  const callers: Caller[] = [
    { name: 'none', headers: {}, kind: 'none' },
    ...(
      [
        [viewer, 'viewer'],
        [member, 'member'],
        [admin, 'admin'],
        [owner, 'owner'],
      ] as const
    ).map(([u, role]): Caller => ({ name: `${role} session`, headers: u.auth, kind: 'session', role, user: u })),
    { name: 'viewer token', headers: { authorization: `Bearer ${viewerToken}` }, kind: 'token', role: 'viewer' },
    { name: 'admin token', headers: { authorization: `Bearer ${adminToken}` }, kind: 'token', role: 'admin' },
    { name: 'owner of another workspace', headers: outsider.auth, kind: 'foreign', user: outsider },
    { name: 'operator', headers: b.operator, kind: 'operator' },
  ];

  /** Path parameters: ids of workspace A (a random uuid where the thing need not exist). */
  const params: Record<string, string> = {
    ws: wsA.slug,
    id: run.id,
    tool: 'agent-seo:analyze_page',
    stepId: 'analyze',
    userId: '00000000-0000-4000-8000-000000000001',
    email: 'nobody@example.com',
    name: 'SMTP_PASSWORD',
  };
  /** Where the route's `:id` is not a run: a plugin id or a token id. */
  const idFor = (path: string) =>
    path.includes('/plugins/:id') ? 'agent-seo' : path.includes('/tokens/:id') ? '00000000-0000-4000-8000-000000000002' : run.id;

  /** A fresh session of the same user (for routes that end the session). */
  const freshSession = async (c: Caller): Promise<Record<string, string>> => {
    if (!c.user) return c.headers;
    const r = await ok(inject({}, 'POST', '/api/auth/login', { email: c.user.email, password }));
    return { authorization: `Bearer ${r.session.token}` };
  };

  /** New sessions for the session callers (log-out-everywhere in the matrix ends their old ones). */
  const refreshSessions = async () => {
    for (const c of callers) if (c.user) c.headers = await freshSession(c);
  };

  return { ...b, wsA, wsB, run, callers, params, idFor, freshSession, refreshSessions, inject, viewerToken, adminToken };
}
