import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sessionFromShell, shellOf } from './shell';
import { waitingFor } from './waiting';

/** A stand-in host answering the shell route (the host's own test checks what it answers); it counts the requests. */
let server: Server;
let base: string;
const seen: string[] = [];
const answer = {
  plugins: [],
  contracts: { approvals: null },
  members: {
    members: [{ userId: 'u1', email: 'ada@example.com', name: '', role: 'owner', since: '2026-01-01T00:00:00.000Z' }],
    invites: [],
  },
  held: [],
  waiting: [],
  timeZone: 'Europe/Paris',
  me: {
    user: { id: 'u1', email: 'ada@example.com', name: '', createdAt: '2026-01-01T00:00:00.000Z' },
    emailVerified: true,
    session: { expiresAt: '2027-01-01T00:00:00.000Z' },
    workspaces: [{ id: 'w1', slug: 'acme', name: 'Acme', createdAt: '2026-01-01T00:00:00.000Z', role: 'owner' }],
  },
  health: { status: 'ok', version: '1', database: 'pglite', plugins: [], starting: [], reasons: [], problems: [], notices: [] },
};

/** A run with two steps waiting for approval: one whose approval expired a minute ago (the sweep has not failed it yet). */
const step = (id: string, approvalExpiresAt: string) => ({
  id,
  runId: 'r1',
  tool: 'agent-social:publish',
  input: { network: 'x', text: 'Hi' },
  dependsOn: [],
  status: 'waiting_approval',
  attempts: 0,
  approvalId: `ap-${id}`,
  approvalExpiresAt,
});
const lateRun = {
  run: { id: 'r1', goal: 'spring sale', status: 'waiting_approval', createdAt: '2026-03-01T10:00:00.000Z' },
  steps: [step('gone', new Date(Date.now() - 60_000).toISOString()), step('open', new Date(Date.now() + 3_600_000).toISOString())],
};

beforeAll(async () => {
  server = createServer((req, res) => {
    seen.push(`${req.method} ${req.url} ${req.headers.authorization ?? ''}`);
    if (req.url?.startsWith('/api/workspaces/late/')) {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ ...answer, waiting: [lateRun] }));
      return;
    }
    const ok = req.url?.startsWith('/api/workspaces/acme/');
    const over = req.headers.authorization === 'Bearer expired';
    res.writeHead(over ? 401 : ok ? 200 : 404, { 'content-type': 'application/json' });
    res.end(
      JSON.stringify(
        over
          ? { error: { code: 'NH_AUTH_REQUIRED', message: 'log in first' } }
          : ok
            ? answer
            : { error: { code: 'NH_WORKSPACE_NOT_FOUND', message: 'no such workspace' } },
      ),
    );
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  process.env.NEONHUB_API_URL = base;
});
const apiUrl = process.env.NEONHUB_API_URL;
afterAll(async () => {
  if (apiUrl === undefined) delete process.env.NEONHUB_API_URL;
  else process.env.NEONHUB_API_URL = apiUrl;
  await new Promise<void>((r) => server.close(() => r()));
});

const request = (sessionToken: string | null = 'tok') =>
  ({
    locals: { sessionToken, user: null, workspaces: [], theme: 'system' },
    url: new URL(`${base}/w/acme`),
    getClientAddress: () => '127.0.0.1',
  }) as unknown as Parameters<typeof shellOf>[0];

describe('the workspace shell', () => {
  it('is one host call per request, however many loads read it, and one more for the next request', async () => {
    seen.length = 0;
    const event = request();
    const [a, b] = await Promise.all([shellOf(event, 'acme'), shellOf(event, 'acme')]);
    expect(a).toBe(b);
    expect(seen).toEqual(['GET /api/workspaces/acme/console-shell?waitingLimit=100 Bearer tok']);
    expect(a.people.get('u1')).toEqual({ name: 'ada@example.com', email: 'ada@example.com' });
    expect(a.error).toBeNull();
    await shellOf(request(), 'acme');
    expect(seen).toHaveLength(2);
  });

  it('a refused read leaves empty lists and says why', async () => {
    const s = await shellOf(request(), 'other');
    expect(s.error?.error.code).toBe('NH_WORKSPACE_NOT_FOUND');
    expect(s.plugins).toEqual([]);
    expect(s.people.size).toBe(0);
  });

  it('checks the session of a workspace page with the same call: the session, the health and the shell, one request', async () => {
    seen.length = 0;
    const event = request(null); // the hook runs before the session is known
    const session = await sessionFromShell(event, 'acme', 'tok');
    expect(session.status).toBe(200);
    expect(session.me?.user.email).toBe('ada@example.com');
    expect(session.me?.workspaces.map((w) => w.role)).toEqual(['owner']);
    expect(session.health?.status).toBe('ok');
    const shell = await shellOf(event, 'acme'); // the loads after the hook: no second call
    expect(shell.timeZone).toBe('Europe/Paris');
    expect(seen).toEqual(['GET /api/workspaces/acme/console-shell?waitingLimit=100 Bearer tok']);
  });

  it('says when the session is over (401) or the workspace is not theirs, with no person', async () => {
    expect(await sessionFromShell(request(null), 'acme', 'expired')).toMatchObject({ status: 401, me: null, health: null });
    expect(await sessionFromShell(request(null), 'other', 'tok')).toMatchObject({ status: 404, me: null });
  });

  it('counts only what can still be approved: an expired step is listed (and says so) but not counted', async () => {
    const w = await waitingFor(request(), 'late', undefined);
    expect(w.items.map((i) => i.key)).toEqual(['r1/gone', 'r1/open']);
    expect(w.open).toBe(1);
  });
});
