/**
 * Every form action of the console, found by reading ui/src/routes (a new action is covered without
 * editing this file), posted as an attacker would against a real host serving the built console:
 * - with no session: a workspace action must not succeed (a failure or the log-in page, never success);
 * - with the owner's session but from a foreign Origin: 403, whatever the action;
 * - through a rebound Host name (DNS rebinding): 421.
 * Nothing may be written by any of them. Run: pnpm --filter @neonhub/ui test:e2e (after the build).
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import pino from 'pino';
import { loadConfig } from '../../../host/src/config.js';
import { createHost } from '../../../host/src/host.js';
import { buildApp } from '../../../host/src/server/app.js';

const uiDir = resolve(import.meta.dirname, '../..');
const routesDir = join(uiDir, 'src/routes');
const log = (msg: string) => console.log(`[actions] ${msg}`);

/** Actions an anonymous visitor is meant to use (signing up, in and out, recovering an account, the theme). */
const PUBLIC_PAGES = new Set(['/login', '/signup', '/setup', '/forgot', '/reset', '/verify', '/logout', '/theme']);

/** The keys of `export const actions = { ... }` (depth-one identifiers followed by a colon). */
export function actionNames(source: string): string[] {
  const start = source.indexOf('export const actions');
  if (start < 0) return [];
  const open = source.indexOf('{', source.indexOf('=', start));
  const names: string[] = [];
  let depth = 0;
  for (let i = open; i < source.length; i++) {
    const c = source[i]!;
    if (c === '{' || c === '(' || c === '[') depth++;
    else if (c === '}' || c === ')' || c === ']') {
      depth--;
      if (depth === 0) break;
    } else if (depth === 1 && /[A-Za-z_]/.test(c) && /[{,\s]/.test(source[i - 1] ?? '')) {
      const m = /^([A-Za-z_]\w*)\s*:/.exec(source.slice(i));
      if (m) {
        names.push(m[1]!);
        i += m[1]!.length - 1;
      }
    }
  }
  return names;
}

function findActions(dir: string): { page: string; name: string }[] {
  const out: { page: string; name: string }[] = [];
  for (const entry of readdirSync(dir)) {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) out.push(...findActions(path));
    else if (entry === '+page.server.ts') {
      const page = `/${relative(routesDir, dir)}`.replace(/\/$/, '') || '/';
      for (const name of actionNames(readFileSync(path, 'utf8'))) out.push({ page, name });
    }
  }
  return out;
}

const FAKE_ID = '00000000-0000-4000-8000-000000000000';
const concrete = (page: string) => page.replace('[ws]', 'demo').replace(/\[\w+\]/g, FAKE_ID);

const actions = findActions(routesDir);
assert.ok(actions.length >= 20, `expected the console's form actions, found ${actions.length}`);
log(`${actions.length} form actions found in ui/src/routes`);

const dataDir = mkdtempSync(join(tmpdir(), 'neonhub-actions-'));
const config = loadConfig({ NEONHUB_DATA_DIR: dataDir, LOG_LEVEL: 'silent' }, resolve(uiDir, '..'));
delete process.env.NEONHUB_API_URL;
const host = await createHost({ config, logger: pino({ level: 'silent' }), only: ['agent-seo'], seed: false });
await host.storage.service.createWorkspace({ slug: 'demo' });
await host.storage.service.enablePlugin('demo', 'agent-seo');
const app = await buildApp(host, { accounts: { github: null } });
assert.ok(existsSync(join(uiDir, 'build', 'handler.js')), 'run pnpm --filter @neonhub/ui build first');
await app.listen({ host: '127.0.0.1', port: 0 });
const port = (app.server.address() as { port: number }).port;
const base = `http://localhost:${port}`;

const countRows = async () => {
  const db = host.storage.db;
  const counts: Record<string, number> = {};
  for (const t of ['api_tokens', 'users', 'workspaces', 'members', 'workspace_plugins', 'secrets'] as const)
    counts[t] = Number(
      (
        await db
          .selectFrom(t)
          .select((eb) => eb.fn.countAll<string>().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );
  return counts;
};

let failed = false;
try {
  // The owner, signed in (the first account, through the setup link's API).
  const link = await app.firstOwnerSetup.link(base);
  const setup = await app.inject({
    method: 'POST',
    url: '/api/auth/setup',
    headers: { host: `localhost:${port}` },
    payload: { token: new URL(link!).searchParams.get('token'), email: 'owner@example.com', password: 'correct horse battery' },
  });
  assert.equal(setup.statusCode, 201, setup.body);
  const ownerCookie = `__Host-neonhub_session=${setup.json().session.token}`;
  const before = await countRows();

  const form = () =>
    new URLSearchParams({
      slug: 'pwned',
      name: 'pwned',
      role: 'owner',
      email: 'evil@example.com',
      userId: FAKE_ID,
      id: FAKE_ID,
      stepId: 'send_email',
      tool: 'agent-seo:analyze_page',
      input: '{"text":"x"}',
      value: 'stolen',
      provider: 'openai',
      goal: 'exfiltrate',
      password: 'correct horse battery',
    });
  const post = (page: string, name: string, headers: Record<string, string>) =>
    fetch(`${base}${concrete(page)}?/${name}`, {
      method: 'POST',
      redirect: 'manual',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        accept: 'application/json',
        'x-sveltekit-action': 'true',
        ...headers,
      },
      body: form(),
    });

  const rawPost = (path: string, headers: Record<string, string>) =>
    new Promise<number>((done, fail) => {
      const req = request({ host: '127.0.0.1', port, path, method: 'POST', headers }, (res) => {
        res.resume();
        done(res.statusCode ?? 0);
      });
      req.on('error', fail);
      req.end(form().toString());
    });

  let checked = 0;
  const outcomes: Record<string, number> = {};
  for (const { page, name } of actions) {
    const what = `${concrete(page)}?/${name}`;
    // 1. no session (same origin): a workspace action must not succeed
    if (!PUBLIC_PAGES.has(page)) {
      const res = await post(page, name, { origin: base });
      const text = await res.text();
      let type = '';
      let location = '';
      try {
        const body = JSON.parse(text) as { type?: string; location?: string };
        type = body.type ?? '';
        location = body.location ?? '';
      } catch {
        type = `http ${res.status}`;
      }
      const refused = type === 'failure' || type === 'error' || (type === 'redirect' && location.startsWith('/login')) || res.status >= 400;
      assert.ok(refused, `${what} without a session must be refused, got ${res.status} ${text.slice(0, 200)}`);
      const outcome = `${type}${location ? ` ${location.split('?')[0]}` : ''}${type === 'error' ? ` ${(JSON.parse(text) as { status?: number }).status}` : ''}`;
      if (type === 'error') log(`${what}: ${text.slice(0, 160)}`);
      outcomes[outcome] = (outcomes[outcome] ?? 0) + 1;
      checked++;
    }
    // 2. the owner's session, from another site
    const foreign = await post(page, name, { origin: 'https://evil.example', cookie: ownerCookie });
    assert.equal(foreign.status, 403, `${what} from a foreign origin must be 403, got ${foreign.status}`);
    // 3. a rebound Host name (node:http: fetch does not let a caller set Host)
    const rebound = await rawPost(`${concrete(page)}?/${name}`, {
      host: `rebind.test:${port}`,
      origin: `http://rebind.test:${port}`,
      cookie: ownerCookie,
      'content-type': 'application/x-www-form-urlencoded',
    });
    assert.equal(rebound, 421, `${what} through a rebound host must be 421, got ${rebound}`);
    checked += 2;
  }
  assert.deepEqual(await countRows(), before, 'no form action wrote anything');
  log(`without a session: ${JSON.stringify(outcomes)}`);
  log(`PASS: ${checked} refusals over ${actions.length} actions (no session, foreign origin, rebound host); nothing written`);
} catch (err) {
  failed = true;
  console.error(err);
} finally {
  await app.close();
  await host.close();
  rmSync(dataDir, { recursive: true, force: true });
}
process.exit(failed ? 1 : 0);
