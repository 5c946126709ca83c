import { type ApiRoute, apiRoutes } from '@neonhub/schemas';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fromZod, garbage, nastyString } from './arbitrary.js';
import { bootMatrix } from './fixture.js';

/**
 * Property-based fuzzing of every API route: params, query and body generated from the route's zod
 * schemas (valid-looking) and from garbage, sent as the operator (who reaches every route), an owner
 * session and no one. No answer may be a 5xx, and the host must still be healthy afterwards.
 */
let m: Awaited<ReturnType<typeof bootMatrix>>;
beforeAll(async () => {
  m = await bootMatrix();
}, 120_000);
afterAll(() => m?.close());

/** Routes that hash passwords or reload plugins (slow by design) get fewer runs; those ending the session too. */
const SLOW = new Set(['signup', 'login', 'setupFirstOwner', 'createUser', 'passwordResetConfirm']);
const runsOf = (name: string) => (name === 'reloadPlugins' ? 2 : SLOW.has(name) ? 8 : name === 'logoutAll' || name === 'logout' ? 4 : 40);
const routes = Object.entries(apiRoutes as Record<string, ApiRoute>).filter(
  ([n]) => !process.env.FUZZ_ONLY || process.env.FUZZ_ONLY.split(',').includes(n),
);

/** Percent-encodes a segment; a lone surrogate (no UTF-8 form) goes as the invalid bytes %ED%A0%80, which the server must refuse. */
const segment = (value: string) => {
  try {
    return encodeURIComponent(value);
  } catch {
    return value
      .replace(/[\ud800-\udfff]/g, '\u0001')
      .split('\u0001')
      .map(encodeURIComponent)
      .join('%ED%A0%80');
  }
};

function pathOf(route: ApiRoute, params: Record<string, unknown>) {
  return route.path.replace(/:(\w+)/g, (_, name: string) => segment(String(params[name] ?? 'x')));
}

const paramsArb = (route: ApiRoute) => {
  const names = [...route.path.matchAll(/:(\w+)/g)].map((x) => x[1]!);
  if (!names.length) return fc.constant({});
  const fromSchema = route.params ? fromZod(route.params) : fc.constant({});
  const nasty = fc.record(Object.fromEntries(names.map((n) => [n, nastyString])));
  // real ids of workspace A too, so the handlers behind validation run
  const real = fc.constant(Object.fromEntries(names.map((n) => [n, n === 'id' ? m.idFor(route.path) : m.params[n]])));
  return fc.oneof(fromSchema, nasty, real) as fc.Arbitrary<Record<string, unknown>>;
};
const queryArb = (route: ApiRoute) =>
  (route.query
    ? fc.oneof(fromZod(route.query), fc.dictionary(fc.string({ maxLength: 8 }), nastyString, { maxKeys: 3 }))
    : fc.constant({})) as fc.Arbitrary<Record<string, unknown>>;
const bodyArb = (route: ApiRoute) => (route.body ? fc.oneof(fromZod(route.body), garbage) : fc.oneof(fc.constant(undefined), garbage));

describe('fuzzing every route', () => {
  it('bad ids and NUL bytes are refused by the schema: 400 NH_REQUEST_INVALID, never a 500', async () => {
    const owner = m.operator;
    const cases: [string, string, Record<string, string>, unknown?][] = [
      ['DELETE', '/api/workspaces/space-a/tokens/x', owner],
      ['DELETE', '/api/workspaces/space-a/tokens/%00', owner],
      ['GET', '/api/runs/not-a-uuid', owner],
      ['PATCH', '/api/workspaces/space-a/members/x', owner, { role: 'viewer' }],
      ['POST', '/api/auth/login', {}, { email: 'a\u0000@example.com', password: 'whatever' }],
      ['POST', '/api/auth/signup', {}, { email: 'b@example.com', password: 'long enough password', name: 'nul\u0000name' }],
      ['POST', '/api/workspaces/space-a/tools/agent-seo:analyze_page/call', owner, { input: {}, idempotencyKey: 7 }],
    ];
    for (const [method, url, headers, body] of cases) {
      const res = await m.inject(headers, method, url, body);
      expect([res.statusCode, res.json().error?.code], `${method} ${url}`).toEqual([400, 'NH_REQUEST_INVALID']);
    }
    // a workspace reference that is no slug or id names no workspace: the scope's 404, like any unknown one
    const nul = await m.inject(owner, 'GET', '/api/workspaces/sp%00ce/tools');
    expect([nul.statusCode, nul.json().error?.code]).toEqual([404, 'NH_WORKSPACE_NOT_FOUND']);
  });
  it('no answer is a 5xx, for bodies, params and queries from the schemas and from garbage', async () => {
    const failures: string[] = [];
    let sent = 0;
    let planned = 0;
    const callers = [m.operator, m.callers.find((c) => c.name === 'owner session')!.headers, {}];
    for (const [name, route] of routes) {
      const t0 = Date.now();
      const numRuns = Math.ceil(Number(process.env.FUZZ_RUNS ?? 1) * runsOf(name));
      planned += numRuns;
      await fc
        .assert(
          fc.asyncProperty(
            paramsArb(route),
            queryArb(route),
            bodyArb(route),
            fc.constantFrom(...callers),
            async (params, query, body, headers) => {
              const qs = Object.entries(query)
                .map(([k, v]) => `${segment(k)}=${segment(String(v))}`)
                .join('&');
              const url = `${pathOf(route, params)}${qs ? `?${qs}` : ''}`;
              if (process.env.FUZZ_TIMING)
                console.log(`-> ${name} ${route.method} ${url.slice(0, 120)} ${JSON.stringify(body)?.slice(0, 200)}`);
              sent++;
              const res = await m.app.inject({
                method: route.method,
                url,
                headers: { ...headers, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
                ...(body === undefined ? {} : { payload: JSON.stringify(body) }),
              });
              if (res.statusCode >= 500)
                failures.push(
                  `${name} ${route.method} ${url} ${JSON.stringify(body)?.slice(0, 200)} -> ${res.statusCode} ${res.body.slice(0, 300)}`,
                );
              return res.statusCode < 500;
            },
          ),
          { numRuns, seed: Number(process.env.FUZZ_SEED ?? 11), endOnFailure: true },
        )
        .catch((err: Error) => failures.push(`${name}: ${err.message.slice(0, 600)}`));
      if (process.env.FUZZ_TIMING) console.log(`fuzz ${name} ${Date.now() - t0} ms`);
    }
    expect(failures).toEqual([]);
    // every planned request was sent (a generator that cannot produce values fails here, not silently)
    expect(sent).toBe(planned);
    expect(planned).toBeGreaterThan(routes.length * 20);
    const health = await m.app.inject({ method: 'GET', url: '/health' });
    expect(health.statusCode).toBe(200);
  }, 600_000);
});

describe('validation errors', () => {
  it('name each problem with where it is (details.issues)', async () => {
    const res = await m.inject(m.operator, 'POST', '/api/workspaces/space-a/members', { email: 'not an e-mail', role: 'king' });
    expect(res.statusCode).toBe(400);
    const body = res.json() as { error: { code: string; details: { issues: { path: string; message: string }[] } } };
    expect(body.error.code).toBe('NH_REQUEST_INVALID');
    expect(body.error.details.issues.map((i) => i.path).sort()).toEqual(['body/email', 'body/role']);
  });
});
