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
    await m.refreshSessions();
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

describe('declaring access is not optional', () => {
  it('registering an /api route without config.access fails: the host cannot start with it', async () => {
    const Fastify = (await import('fastify')).default;
    const { installAuthorization } = await import('../../src/server/authorize.js');
    const app = Fastify();
    installAuthorization(app);
    expect(() => app.get('/api/forgotten', async () => ({ ok: true }))).toThrow(/route GET \/api\/forgotten declares no access/);
    await app.close();
    const declared = Fastify();
    installAuthorization(declared);
    declared.get('/api/declared', { config: { access: 'public' } }, async () => ({ ok: true }));
    await expect(declared.ready()).resolves.toBeDefined();
    await declared.close();
  });
});

describe('every MCP method on /mcp x every caller', () => {
  it('answers by the caller: no credential or a session is 401; a viewer token calls only tools that change nothing; another workspace sees none of this one', async () => {
    const { connectHttp, initializeBody, rawPost } = await import('../mcp/client.js');
    const { changesNothing } = await import('@neonhub/schemas');
    // the matrix above may have disabled them (an admin may): enable both again, then list A's tools
    for (const p of ['agent-seo', 'connector-email-sandbox'])
      expect((await m.inject(m.operator, 'POST', `/api/workspaces/space-a/plugins/${p}/enable`)).statusCode).toBe(200);
    const otherToken = (
      await m.inject(m.callers.find((c) => c.kind === 'foreign')!.headers, 'POST', '/api/workspaces/space-b/tokens', {
        name: 'b',
        role: 'admin',
      })
    ).json().token as string;
    const tools = (await m.inject(m.operator, 'GET', '/api/workspaces/space-a/tools')).json().tools as {
      name: string;
      sideEffect: string;
    }[];
    expect(tools.some((t) => changesNothing(t.sideEffect as never))).toBe(true);
    expect(tools.some((t) => !changesNothing(t.sideEffect as never))).toBe(true);
    await m.app.listen({ port: 0, host: '127.0.0.1' });
    const base = `http://127.0.0.1:${(m.app.server.address() as { port: number }).port}/mcp`;
    const about = `neonhub://workspace/${m.wsA.slug}/about`;
    const callers: { name: string; url: string; token?: string; role?: 'viewer' | 'admin' | 'owner'; foreign?: boolean }[] = [
      { name: 'none', url: base },
      { name: 'owner session', url: base, token: m.callers.find((c) => c.name === 'owner session')!.headers.authorization!.slice(7) },
      { name: 'viewer token', url: base, token: m.viewerToken, role: 'viewer' },
      { name: 'admin token', url: base, token: m.adminToken, role: 'admin' },
      { name: 'token of another workspace', url: base, token: otherToken, foreign: true },
      { name: 'operator', url: `${base}?workspace=${m.wsA.slug}`, token: m.operator.authorization!.slice(7), role: 'owner' },
    ];
    const problems: string[] = [];
    for (const c of callers) {
      let client: Awaited<ReturnType<typeof connectHttp>>['client'];
      try {
        client = (await connectHttp(new URL(c.url), c.token)).client;
      } catch (err) {
        if (c.role || c.foreign) problems.push(`${c.name}: could not connect (${(err as Error).message})`);
        else {
          const raw = await rawPost(new URL(c.url), initializeBody, c.token ? { authorization: `Bearer ${c.token}` } : {});
          if (raw.status !== 401) problems.push(`${c.name}: refused with ${raw.status}, not 401 (${(err as Error).message})`);
        }
        continue;
      }
      if (!c.role && !c.foreign) {
        problems.push(`${c.name}: UNEXPECTED SUCCESS (connected)`);
        await client.close();
        continue;
      }
      for (const method of ['tools/list', 'prompts/list', 'resources/list', 'resources/templates/list'] as const) {
        try {
          if (method === 'tools/list') await client.listTools();
          if (method === 'prompts/list') await client.listPrompts();
          if (method === 'resources/list') await client.listResources();
          if (method === 'resources/templates/list') await client.listResourceTemplates();
        } catch (err) {
          problems.push(`${c.name} ${method}: ${(err as Error).message}`);
        }
      }
      const read = await client.readResource({ uri: about }).then(
        () => 'ok',
        (err: Error) => err.message,
      );
      if (c.foreign ? read === 'ok' : read !== 'ok') problems.push(`${c.name} resources/read ${about}: ${read}`);
      for (const t of tools) {
        const mcpName = t.name.replace(':', '__');
        const r = await client
          .callTool({ name: mcpName, arguments: {} })
          .catch((err: Error) => ({ isError: true, content: [{ text: err.message }] }));
        const text = (r.content as { text?: string }[])[0]?.text ?? '';
        const refused = r.isError === true && text.startsWith('NH_AUTH_FORBIDDEN');
        const mayCall = c.foreign || c.role !== 'viewer' || changesNothing(t.sideEffect as never);
        if (mayCall && refused) problems.push(`${c.name} tools/call ${mcpName}: refused though allowed`);
        if (!mayCall && !refused) problems.push(`${c.name} tools/call ${mcpName} (${t.sideEffect}): UNEXPECTED (${text.slice(0, 80)})`);
      }
      await client.close();
    }
    expect(problems).toEqual([]);
  }, 120_000);
});
