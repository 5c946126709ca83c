import { ApiAccessSchema, apiRoutes, runEventsRoute } from '@neonhub/schemas';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bootMatrix, type Caller } from './fixture.js';

/**
 * The generated authorization matrix: every operation of the OpenAPI document (and the run events
 * WebSocket) x every kind of caller. Expectations come from the access each route declares
 * (`x-neonhub-access`), not from a hand list: a route without one fails here.
 */
let m: Awaited<ReturnType<typeof bootMatrix>>;
beforeAll(async () => {
  m = await bootMatrix();
}, 120_000);
afterAll(() => m?.close());

const RANK = { viewer: 0, member: 1, admin: 2, owner: 3 } as const;
const HIDDEN = new Set(['NH_WORKSPACE_NOT_FOUND', 'NH_RUN_NOT_FOUND']);

type Verdict = { allowed: true } | { allowed: false; status: number };

/** What the declared access means for a caller. */
export function expected(access: string, c: Caller): Verdict {
  if (access === 'public') return { allowed: true };
  if (c.kind === 'none') return { allowed: false, status: 401 };
  switch (access) {
    case 'principal':
      return { allowed: true };
    case 'user':
      return c.kind === 'token' ? { allowed: false, status: 403 } : { allowed: true };
    case 'session':
      return c.kind === 'session' || c.kind === 'foreign' ? { allowed: true } : { allowed: false, status: 401 };
    case 'operator':
      return c.kind === 'operator' ? { allowed: true } : { allowed: false, status: 403 };
  }
  // a role in the route's workspace
  if (c.kind === 'operator') return { allowed: true };
  if (c.kind === 'foreign') return { allowed: false, status: 404 };
  const need = RANK[access as keyof typeof RANK];
  return RANK[c.role!] >= need ? { allowed: true } : { allowed: false, status: 403 };
}

/** Judges one answer; returns a problem, or undefined when it is what the declared access says. */
function judge(v: Verdict, status: number, code: string | undefined): string | undefined {
  if (status >= 500) return `answered ${status} ${code}`;
  if (v.allowed) {
    if (status === 401 || status === 403 || (status === 404 && code && HIDDEN.has(code)))
      return `refused (${status} ${code}) though allowed`;
    return undefined;
  }
  if (status < 400) return `UNEXPECTED SUCCESS ${status}`;
  if (status !== v.status) return `answered ${status} ${code}, expected ${v.status}`;
  return undefined;
}

const SESSION_ENDING = new Set(['/api/auth/logout', '/api/auth/logout-all']);

describe('the authorization matrix', () => {
  it('the OpenAPI document lists every route of the API contract, each with its declared access', async () => {
    const res = await m.inject({}, 'GET', '/api/openapi.json');
    expect(res.statusCode).toBe(200);
    const doc = res.json() as { openapi: string; paths: Record<string, Record<string, Record<string, unknown>>> };
    expect(doc.openapi).toBe('3.1.0');
    const ops = Object.entries(doc.paths).flatMap(([p, o]) => Object.entries(o).map(([method, op]) => ({ path: p, method, op })));
    for (const { path, method, op } of ops)
      expect(ApiAccessSchema.safeParse(op['x-neonhub-access']).success, `${method} ${path} declares no access`).toBe(true);
    const documented = new Set(ops.map((o) => `${o.method.toUpperCase()} ${o.path.replace(/\{(\w+)\}/g, ':$1')}`));
    for (const r of Object.values(apiRoutes)) expect(documented, `${r.method} ${r.path}`).toContain(`${r.method} ${r.path}`);
  });

  it('every operation x every caller answers as its declared access says: 0 unexpected successes, 0 errors', async () => {
    const doc = (await m.inject({}, 'GET', '/api/openapi.json')).json() as {
      paths: Record<string, Record<string, Record<string, unknown>>>;
    };
    const ops = Object.entries(doc.paths)
      .flatMap(([p, o]) => Object.entries(o).map(([method, op]) => ({ path: p.replace(/\{(\w+)\}/g, ':$1'), method, op })))
      // the routes that end a session run last, each with a fresh session
      .sort((a, b) => Number(SESSION_ENDING.has(a.path)) - Number(SESSION_ENDING.has(b.path)));
    const problems: string[] = [];
    let cells = 0;
    let refusals = 0;
    for (const { path, method, op } of ops) {
      const access = String(op['x-neonhub-access']);
      const url = path.replace(/:(\w+)/g, (_, name: string) => encodeURIComponent(name === 'id' ? m.idFor(path) : (m.params[name] ?? 'x')));
      for (const c of m.callers) {
        const headers = SESSION_ENDING.has(path) ? await m.freshSession(c) : c.headers;
        const body = method === 'get' || method === 'delete' ? undefined : {};
        const res = await m.inject(headers, method.toUpperCase(), url, body);
        const code = res.statusCode >= 400 ? (res.json() as { error?: { code?: string } }).error?.code : undefined;
        const v = expected(access, c);
        if (!v.allowed) refusals++;
        cells++;
        const problem = judge(v, res.statusCode, code);
        if (problem) problems.push(`${method.toUpperCase()} ${path} [${access}] as ${c.name}: ${problem}`);
      }
    }
    expect(problems).toEqual([]);
    expect(cells).toBe(ops.length * m.callers.length);
    expect(refusals).toBeGreaterThan(100);
  }, 180_000);

  it('the run events WebSocket: the same access as reading the run', async () => {
    const path = runEventsRoute.path.replace(':id', m.run.id);
    const problems: string[] = [];
    for (const c of m.callers) {
      const v = expected(runEventsRoute.access, c);
      const outcome = await new Promise<{ opened: boolean; status?: number }>((resolve) => {
        m.app
          .injectWS(path, { headers: { host: 'localhost:80', ...c.headers } }, { onInit: (ws) => ws.on('message', () => undefined) })
          .then((ws) => {
            ws.close();
            resolve({ opened: true });
          })
          .catch((err: Error) => resolve({ opened: false, status: Number(/(\d{3})/.exec(err.message)?.[1] ?? 0) }));
      });
      if (v.allowed && !outcome.opened) problems.push(`${c.name}: refused (${outcome.status}) though allowed`);
      if (!v.allowed && outcome.opened) problems.push(`${c.name}: UNEXPECTED SUCCESS (the socket opened)`);
      if (!v.allowed && !outcome.opened && outcome.status !== v.status) problems.push(`${c.name}: ${outcome.status}, expected ${v.status}`);
    }
    expect(problems).toEqual([]);
  });
});
