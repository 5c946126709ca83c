/**
 * DNS rebinding, in a real browser: the operator (signed in to the console at localhost) visits a page
 * of `rebind.test`, whose name the attacker then points at 127.0.0.1 (here: Chromium's
 * `--host-resolver-rules`). The page's script now reaches the host's port from "its own" origin and
 * tries everything a rebound page could: read workspaces, mint an owner token, open the console and
 * the OAuth consent, follow a run's events over WebSocket. Every request carries
 * `Host: rebind.test:<port>`: the host must refuse all of them (421 NH_HTTP_HOST_FORBIDDEN), and
 * nothing may be written. Run: pnpm --filter @neonhub/ui test:e2e
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import pino from 'pino';
import { loadConfig } from '../../../host/src/config.js';
import { createHost } from '../../../host/src/host.js';
import { buildApp } from '../../../host/src/server/app.js';
import { launchChromium } from './browser.js';

const uiDir = resolve(import.meta.dirname, '../..');
const repoRoot = resolve(uiDir, '..');
const log = (msg: string) => console.log(`[rebinding] ${msg}`);
mkdirSync(join(uiDir, 'test-results'), { recursive: true });

const dataDir = mkdtempSync(join(tmpdir(), 'neonhub-rebind-'));
const config = loadConfig({ NEONHUB_DATA_DIR: dataDir, LOG_LEVEL: 'silent' }, repoRoot);
delete process.env.NEONHUB_API_URL;
const host = await createHost({ config, logger: pino({ level: 'silent' }), only: ['agent-seo'], seed: false });
await host.storage.service.createWorkspace({ slug: 'demo' });
const app = await buildApp(host, { accounts: { github: null } });
assert.ok(existsSync(join(uiDir, 'build', 'handler.js')), 'run pnpm --filter @neonhub/ui build first');
await app.listen({ host: '127.0.0.1', port: 0 });
const port = (app.server.address() as { port: number }).port;
const victim = `http://localhost:${port}`;
const evil = `http://rebind.test:${port}`;

const countRows = async () => {
  const db = host.storage.db;
  const [tokens, users, workspaces] = await Promise.all(
    (['api_tokens', 'users', 'workspaces'] as const).map(async (t) =>
      Number(
        (
          await db
            .selectFrom(t)
            .select((eb) => eb.fn.countAll<string>().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      ),
    ),
  );
  return { tokens, users, workspaces };
};

/** What the rebound page's script tries, from "its own" origin. */
const ATTACK = `(async () => {
  const tryFetch = async (path, init) => {
    try {
      const res = await fetch(path, { credentials: 'include', ...init });
      return { path, status: res.status, body: (await res.text()).slice(0, 300) };
    } catch (err) {
      return { path, status: 0, body: String(err) };
    }
  };
  const json = (body) => ({ method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const results = [
    await tryFetch('/api/workspaces'),
    await tryFetch('/api/auth/me'),
    await tryFetch('/api/workspaces/demo/members'),
    await tryFetch('/api/workspaces/demo/tokens', json({ role: 'owner', name: 'pwned' })),
    await tryFetch('/api/workspaces', json({ slug: 'pwned' })),
    await tryFetch('/api/users', json({ email: 'evil@example.com', password: 'correct horse battery', owner: true })),
    await tryFetch('/'),
    await tryFetch('/w/demo/tokens'),
    await tryFetch('/oauth/authorize?response_type=code&client_id=x&redirect_uri=http://127.0.0.1:1/cb'),
    await tryFetch('/mcp', json({ jsonrpc: '2.0', id: 1, method: 'initialize', params: {} })),
  ];
  const ws = await new Promise((done) => {
    const socket = new WebSocket('ws://' + location.host + '/api/runs/00000000-0000-4000-8000-000000000000/events');
    const messages = [];
    socket.onmessage = (e) => messages.push(String(e.data));
    socket.onerror = () => done({ path: 'websocket', status: 0, body: 'refused; messages: ' + messages.length });
    socket.onopen = () => setTimeout(() => done({ path: 'websocket', status: 101, body: messages.join(' ') }), 500);
  });
  return [...results, ws];
})()`;

const browser = await launchChromium([
  // the attacker's DNS answer after the rebind
  '--host-resolver-rules=MAP rebind.test 127.0.0.1',
  // Chromium's own local-network protections would stop the page first; other browsers (and older
  // ones) have none: turn them off so what is tested is the host's defence, not the browser's.
  '--disable-features=LocalNetworkAccessChecks,PrivateNetworkAccessRespectPreflightResults,BlockInsecurePrivateNetworkRequests,PrivateNetworkAccessSendPreflights',
]);
let failed = false;
try {
  const context = await browser.newContext();
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);

  // The operator is signed in to the console (the first owner, through the one-time setup link).
  const setup = await app.firstOwnerSetup.link(victim);
  assert.ok(setup, 'a fresh install offers the setup link');
  await page.goto(setup);
  await page.screenshot({ path: join(uiDir, 'test-results', 'setup.png'), fullPage: true });
  await page.getByLabel('E-mail').fill('owner@example.com');
  await page.getByLabel(/^Password/).fill('correct horse battery');
  await Promise.all([
    page.waitForURL(new RegExp(`^${victim}/w/demo`)),
    page.getByRole('button', { name: 'Create the owner account' }).click(),
  ]);
  log('the operator is signed in as owner of demo');
  const before = await countRows();

  // The attacker's page, served (before the rebind) by the attacker: intercepted here so it never reaches the host.
  await page.route(`${evil}/attack`, (route) =>
    route.fulfill({ status: 200, contentType: 'text/html', body: '<!doctype html><title>cute cats</title><p>cats</p>' }),
  );
  await page.goto(`${evil}/attack`);
  // A string, not a function: the test runner's transform would add helpers the page does not have.
  const attempts = (await page.evaluate(ATTACK)) as { path: string; status: number; body: string }[];
  for (const a of attempts) log(`${a.path} -> ${a.status} ${a.body.slice(0, 80).replace(/\s+/g, ' ')}`);
  for (const a of attempts.filter((a) => a.path !== 'websocket')) {
    assert.equal(a.status, 421, `${a.path} through the rebound name must be refused (got ${a.status})`);
    assert.match(a.body, /NH_HTTP_HOST_FORBIDDEN/, `${a.path} answers the coded error`);
  }
  const ws = attempts.find((a) => a.path === 'websocket')!;
  assert.equal(ws.status, 0, 'the run-events WebSocket through the rebound name must not open');
  assert.deepEqual(await countRows(), before, 'nothing was written: no token, no account, no workspace');

  // The real console still works for the operator.
  await page.goto(`${victim}/w/demo`);
  assert.match(new URL(page.url()).pathname, /^\/w\/demo/);
  log(`PASS: ${attempts.length} requests through the rebound name refused, nothing written`);
} catch (err) {
  failed = true;
  console.error(err);
} finally {
  await browser.close();
  // a refused WebSocket upgrade must not keep the server from closing
  await app.close();
  await host.close();
  rmSync(dataDir, { recursive: true, force: true });
}
process.exit(failed ? 1 : 0);
