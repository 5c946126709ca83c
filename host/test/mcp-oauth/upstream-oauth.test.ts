import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { NeonHubError } from '@neonhub/schemas';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Host } from '../../src/host.js';
import { MCP_OAUTH_CALLBACK_PATH } from '../../src/mcp-oauth/index.js';
import { listMcpTools } from '../../src/runtimes/mcp-call.js';
import { buildApp } from '../../src/server/app.js';
import { startOAuthMcpServer } from '../fixtures/oauth-mcp-server.js';
import { bootHost, lockRoot, makeRoot, operatorInject, removeRoot, silentLogger } from '../integration/helpers.js';

const PLUGIN = 'oauth-echo';
const actor = { type: 'system' as const, id: 'test' };
const redirectUri = `http://localhost:8787${MCP_OAUTH_CALLBACK_PATH}`;

let server: Awaited<ReturnType<typeof startOAuthMcpServer>>;
let root: string;
let host: Host;

const idOf = async (slug: string) => (await host.storage.service.resolveWorkspace(slug)).id;

/** An admin connects `slug` and approves as `account` at the authorization server (a browser, in one fetch). */
async function connect(slug: string, account: string) {
  const started = await host.storage.mcpOAuth.start(await idOf(slug), PLUGIN, {}, { userId: null, redirectUri });
  if (started.status !== 'redirect') throw new Error('expected an authorization URL');
  const res = await fetch(started.authorizeUrl, { redirect: 'manual', headers: { 'x-account': account } });
  expect(res.status).toBe(302);
  const back = new URL(res.headers.get('location')!);
  expect(`${back.origin}${back.pathname}`).toBe(redirectUri);
  const done = await host.storage.mcpOAuth.finish(back.searchParams, { userId: null });
  if (done.error) throw done.error;
  return { started, done };
}

const whoami = async (slug: string) => {
  const r = await host.callTool({ workspace: slug, tool: `${PLUGIN}:whoami`, input: {}, actor });
  if (r.status !== 'ok') throw new Error('pending approval');
  return r.output as { account: string; clientId: string; scopes: string[] };
};
const failure = (slug: string) =>
  host.callTool({ workspace: slug, tool: `${PLUGIN}:whoami`, input: {}, actor }).then(
    () => undefined,
    (e: NeonHubError) => e,
  );

async function waitFor(check: () => boolean, ms = 10_000) {
  const until = Date.now() + ms;
  while (!check()) {
    if (Date.now() > until) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
}

beforeAll(async () => {
  server = await startOAuthMcpServer();
  root = makeRoot('mcp-oauth', []);
  const dir = join(root, 'plugins', PLUGIN);
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, 'plugin.json'),
    JSON.stringify({
      id: PLUGIN,
      version: '1.0.0',
      kind: 'connector',
      description: 'A remote MCP server behind OAuth (the SDK auth router)',
      host: '^0.2.0',
      runtime: { type: 'mcp-http', url: server.url, oauth: { scope: 'mcp:tools' } },
    }),
  );
  // `neonhub plugin lock`: the server's tools as they list them now (through a token minted for the lock).
  const client = new Client({ name: 'locker', version: '1' });
  await client.connect(
    new StreamableHTTPClientTransport(new URL(server.url), {
      requestInit: { headers: { authorization: `Bearer ${server.mint('locker')}` } },
    }),
  );
  const tools = await listMcpTools(client, { pluginId: PLUGIN, trustNeonHubMeta: false, logger: silentLogger().logger });
  await client.close();
  await lockRoot(root, { extraTools: { [PLUGIN]: tools } });
  host = await bootHost(root, { env: { NEONHUB_OUTBOUND_ALLOW: '127.0.0.1' } });
  for (const slug of ['alpha', 'beta']) {
    await host.storage.service.createWorkspace({ slug });
    await host.storage.service.enablePlugin(slug, PLUGIN);
  }
}, 60_000);

afterAll(async () => {
  await host?.close();
  await server?.close();
  removeRoot(root);
});

describe('upstream OAuth of an mcp-http plugin (the SDK auth router on a local port)', () => {
  it('loads without any workspace connected; a call says how to connect', async () => {
    expect(host.problems.map((p) => `${p.id}: ${p.error.code} ${p.error.message}`)).toEqual([]);
    expect(host.registry.plugin(PLUGIN)?.runtime.status).toBe('ready');
    const err = await failure('alpha');
    expect(err?.code).toBe('NH_MCP_OAUTH_NOT_CONNECTED');
    expect(err?.message).toContain(`neonhub plugin connect ${PLUGIN} -w`);
    expect((await host.storage.mcpOAuth.status(await idOf('alpha'), PLUGIN)).status).toBe('not_connected');
  });

  it('two workspaces connect two accounts; each call carries its own workspace token', async () => {
    const { started } = await connect('alpha', 'alice');
    const url = new URL(started.status === 'redirect' ? started.authorizeUrl : '');
    // PKCE S256, the resource indicator (RFC 8707) and the scope from the protected-resource metadata
    expect(url.searchParams.get('code_challenge_method')).toBe('S256');
    expect(url.searchParams.get('resource')).toBe(server.url);
    expect(url.searchParams.get('scope')).toBe('mcp:tools');
    expect(server.log.registrations).toBe(1); // dynamic client registration
    await waitFor(() => host.registry.all().some((t) => t.qualifiedName === `${PLUGIN}:whoami`));

    // beta has not connected: a clear error naming its own workspace, not alice's token
    const notYet = await failure('beta');
    expect(notYet?.code).toBe('NH_MCP_OAUTH_NOT_CONNECTED');
    expect(notYet?.message).toContain(`neonhub plugin connect ${PLUGIN} -w beta`);

    await connect('beta', 'bob');
    expect(server.log.registrations).toBe(2); // each workspace registers its own client
    expect((await whoami('alpha')).account).toBe('alice');
    expect((await whoami('beta')).account).toBe('bob');
    expect((await whoami('alpha')).account).toBe('alice');
    const byAccount = new Set(server.log.calls.map((c) => `${c.account}:${c.clientId}`));
    expect(byAccount.size).toBe(2);

    const status = await host.storage.mcpOAuth.status(await idOf('beta'), PLUGIN);
    expect(status).toMatchObject({ status: 'connected', scope: 'mcp:tools', client: 'registered', connectedBy: 'operator' });
    // stored sealed: no token in clear in the row
    const rows = await host.storage.db.selectFrom('mcp_oauth_grants').selectAll().execute();
    expect(rows).toHaveLength(2);
    const grant = await host.storage.mcpOAuth.store.get(await idOf('alpha'), PLUGIN, server.url);
    const token = grant!.state.tokens!.access_token;
    for (const r of rows) expect(Buffer.from(r.ciphertext).toString('latin1')).not.toContain(token);
  });

  it('refreshes an expired token and stores the rotated refresh token', async () => {
    const alpha = await idOf('alpha');
    const before = (await host.storage.mcpOAuth.store.get(alpha, PLUGIN, server.url))!.state.tokens!;
    const refreshes = server.log.refreshes;
    server.expireAccessTokens();
    expect((await whoami('alpha')).account).toBe('alice');
    expect(server.log.refreshes).toBe(refreshes + 1);
    const after = (await host.storage.mcpOAuth.store.get(alpha, PLUGIN, server.url))!.state.tokens!;
    expect(after.refresh_token).not.toBe(before.refresh_token);
    expect(after.access_token).not.toBe(before.access_token);
    expect(server.log.refreshTokensUsed).toContain(before.refresh_token);
    // the rotated refresh token is the one used next time (the old one no longer works at the server)
    server.expireAccessTokens();
    expect((await whoami('alpha')).account).toBe('alice');
    expect(server.log.refreshTokensUsed.at(-1)).toBe(after.refresh_token);
    expect(server.log.refreshes).toBe(refreshes + 2);
  });

  it('a revoked grant gives NH_MCP_OAUTH_NOT_CONNECTED (not a crash); the other workspace keeps working', async () => {
    server.revoke('bob');
    const used = server.log.refreshTokensUsed.length;
    const err = await failure('beta');
    expect(server.log.refreshTokensUsed.length).toBe(used + 1); // it tried to refresh first
    expect(err?.code).toBe('NH_MCP_OAUTH_NOT_CONNECTED');
    expect(err?.status).toBe(409); // not 401: the caller's own credential is fine
    expect(err?.message).toContain('-w beta');
    const status = await host.storage.mcpOAuth.status(await idOf('beta'), PLUGIN);
    expect(status.status).toBe('failing');
    expect((await whoami('alpha')).account).toBe('alice');
    // a second call fails the same way, and connecting again (as another account) repairs it
    expect((await failure('beta'))?.code).toBe('NH_MCP_OAUTH_NOT_CONNECTED');
    await connect('beta', 'carol');
    expect((await whoami('beta')).account).toBe('carol');
  });

  it('an unknown token and refresh token lead to re-auth, not a crash', async () => {
    const beta = await idOf('beta');
    await host.storage.mcpOAuth.store.update(beta, PLUGIN, server.url, (s) => ({
      ...s,
      tokens: { ...s.tokens!, access_token: 'forged', refresh_token: 'forged-too' },
    }));
    host.registry.plugin(PLUGIN)?.runtime.grantChanged?.(beta, false); // drop the open session (and its cache)
    const err = await failure('beta');
    expect(err?.code).toBe('NH_MCP_OAUTH_NOT_CONNECTED');
    expect((await whoami('alpha')).account).toBe('alice');
  });

  it('disconnecting forgets the grant', async () => {
    expect(await host.storage.mcpOAuth.disconnect(await idOf('alpha'), PLUGIN)).toBe(true);
    expect((await failure('alpha'))?.code).toBe('NH_MCP_OAUTH_NOT_CONNECTED');
    expect((await host.storage.mcpOAuth.status(await idOf('alpha'), PLUGIN)).status).toBe('not_connected');
  });

  it('a callback with a forged, replayed or missing state is NH_MCP_OAUTH_STATE', async () => {
    const svc = host.storage.mcpOAuth;
    await expect(svc.finish(new URLSearchParams({ code: 'x' }), { userId: null })).rejects.toMatchObject({ code: 'NH_MCP_OAUTH_STATE' });
    await expect(svc.finish(new URLSearchParams({ code: 'x', state: 'forged' }), { userId: null })).rejects.toMatchObject({
      code: 'NH_MCP_OAUTH_STATE',
    });
    const { started } = await connect('alpha', 'alice');
    const state = new URL(started.status === 'redirect' ? started.authorizeUrl : '').searchParams.get('state')!;
    await expect(svc.finish(new URLSearchParams({ code: 'x', state }), { userId: null })).rejects.toMatchObject({
      code: 'NH_MCP_OAUTH_STATE',
    });
    // a plugin that is not behind OAuth
    await expect(svc.start(await idOf('alpha'), 'nope', {}, { userId: null, redirectUri })).rejects.toMatchObject({
      code: 'NH_MCP_OAUTH_NOT_OAUTH',
    });
    await expect(svc.start(await idOf('alpha'), PLUGIN, { clientSecret: 's' }, { userId: null, redirectUri })).rejects.toMatchObject({
      code: 'NH_MCP_OAUTH_INVALID',
    });
  });
});

describe('the connect routes (operator over HTTP)', () => {
  let inject: ReturnType<typeof operatorInject>;
  let close: () => Promise<void>;
  beforeAll(async () => {
    const app = await buildApp(host);
    inject = operatorInject(app, host);
    close = () => app.close();
  });
  afterAll(() => close?.());
  const base = `/api/workspaces/alpha/plugins/${PLUGIN}/oauth`;
  const headers = { host: 'localhost:8787' };

  it('bad input gets NH_ codes, never a 500', async () => {
    const cases = [
      { method: 'POST', url: `${base}/start`, payload: { clientSecret: 's' }, code: 'NH_MCP_OAUTH_INVALID' },
      { method: 'POST', url: `${base}/start`, payload: { unknown: 1 }, code: 'NH_REQUEST_INVALID' },
      { method: 'POST', url: `${base}/start`, payload: { clientId: '' }, code: 'NH_REQUEST_INVALID' },
      { method: 'POST', url: '/api/workspaces/alpha/plugins/nope/oauth/start', payload: {}, code: 'NH_MCP_OAUTH_NOT_OAUTH' },
      { method: 'GET', url: '/api/workspaces/alpha/plugins/Bad_Id/oauth', code: 'NH_REQUEST_INVALID' },
      { method: 'GET', url: '/api/workspaces/nowhere/plugins/oauth-echo/oauth', code: 'NH_WORKSPACE_NOT_FOUND' },
      { method: 'GET', url: '/api/plugins/oauth/callback', code: 'NH_MCP_OAUTH_STATE' },
      { method: 'GET', url: '/api/plugins/oauth/callback?state=forged&code=x', code: 'NH_MCP_OAUTH_STATE' },
    ] as const;
    for (const c of cases) {
      const res = await inject({ method: c.method, url: c.url, headers, ...('payload' in c ? { payload: c.payload } : {}) });
      expect(res.statusCode, `${c.method} ${c.url}`).toBeGreaterThanOrEqual(400);
      expect(res.statusCode, `${c.method} ${c.url}`).toBeLessThan(500);
      expect((res.json() as { error: { code: string } }).error.code, `${c.method} ${c.url}`).toBe(c.code);
    }
  });

  it('start -> authorize -> callback answers 303 to the plugin page, and the call then carries the new account', async () => {
    const started = await inject({ method: 'POST', url: `${base}/start`, headers, payload: {} });
    expect(started.statusCode).toBe(200);
    const body = started.json() as { status: string; authorizeUrl: string; redirectUri: string };
    expect(body.status).toBe('redirect');
    expect(body.redirectUri).toBe(`http://localhost:8787${MCP_OAUTH_CALLBACK_PATH}`);
    const res = await fetch(body.authorizeUrl, { redirect: 'manual', headers: { 'x-account': 'dave' } });
    const back = new URL(res.headers.get('location')!);
    const cb = await inject({ method: 'GET', url: `${back.pathname}${back.search}`, headers });
    expect(cb.statusCode).toBe(303);
    expect(cb.headers.location).toBe(`/w/alpha/plugins/${PLUGIN}?connected=1`);
    expect((await whoami('alpha')).account).toBe('dave');
    const status = await inject({ method: 'GET', url: base, headers });
    expect(status.json()).toMatchObject({ status: 'connected', plugin: PLUGIN, client: 'registered' });
    expect(JSON.stringify(status.json())).not.toContain('at-dave');
    // the user declined at the authorization server: back to the page with the error code
    const again = (await inject({ method: 'POST', url: `${base}/start`, headers, payload: {} })).json() as { authorizeUrl: string };
    const declined = new URL((await fetch(again.authorizeUrl, { redirect: 'manual' })).headers.get('location')!);
    const cb2 = await inject({ method: 'GET', url: `${declined.pathname}${declined.search}`, headers });
    expect(cb2.statusCode).toBe(303);
    expect(cb2.headers.location).toBe(`/w/alpha/plugins/${PLUGIN}?oauth_error=NH_MCP_OAUTH_FAILED`);
    const off = await inject({ method: 'DELETE', url: base, headers });
    expect(off.statusCode).toBe(204);
    expect((await failure('alpha'))?.code).toBe('NH_MCP_OAUTH_NOT_CONNECTED');
  });
});
