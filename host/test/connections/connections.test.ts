import type { Actor, NeonHubError } from '@neonhub/schemas';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signHmacSha256 } from '../../src/connections/webhook-verify.js';
import type { Host } from '../../src/host.js';
import { buildApp } from '../../src/server/app.js';
import { bootHost, lockRoot, makeRoot, operatorInject, removeRoot, repoPlugin } from '../integration/helpers.js';
import { writeConnectorFixtures } from './fixtures.js';
import { startOAuthServer } from './oauth-server.js';

/**
 * Connected accounts and webhooks end to end: a real host (PGlite), the API through app.inject, the host's OAuth
 * client (oauth4webapi) against a local authorization server that verifies PKCE, connector tools that report the
 * connection they were handed, and governance deciding sends after an unsubscribe webhook.
 */
let root: string;
let host: Host;
let app: FastifyInstance;
let op: FastifyInstance['inject'];
let as: Awaited<ReturnType<typeof startOAuthServer>>;
const owner: Actor = { type: 'user', id: 'owner-1', role: 'owner' };

const call = (workspace: string, tool: string, input: unknown) => host.callTool({ workspace, tool, input, actor: owner });
const output = async <T>(workspace: string, tool: string, input: unknown): Promise<T> => {
  const r = await call(workspace, tool, input);
  if (r.status !== 'ok') throw new Error(`${tool} is ${r.status}`);
  return r.output as T;
};
const failure = async (p: Promise<unknown>) => (await p.then(() => undefined).catch((e) => e)) as NeonHubError | undefined;

beforeAll(async () => {
  as = await startOAuthServer({ id: 'client-1', secret: 'secret-1' });
  root = makeRoot('connections', [
    { from: repoPlugin('governance'), link: true },
    { from: repoPlugin('connector-email-sandbox'), link: true },
  ]);
  await writeConnectorFixtures(root, as.base);
  await lockRoot(root);
  host = await bootHost(root, {
    env: { NEONHUB_OAUTH_FIXTURE_SOCIAL_CLIENT_ID: 'client-1', NEONHUB_OAUTH_FIXTURE_SOCIAL_CLIENT_SECRET: 'secret-1' },
  });
  app = await buildApp(host, { accounts: { github: null } });
  await app.ready();
  op = operatorInject(app, host);
  for (const slug of ['acme', 'rival']) {
    await host.storage.service.createWorkspace({ slug });
    for (const id of ['governance', 'connector-email-sandbox', 'fixture-social', 'fixture-mailer'])
      await host.storage.service.enablePlugin(slug, id);
    await output(slug, 'governance:set_policy', {
      policy: {
        requireApproval: { exceptTools: ['fixture-social:*', 'fixture-mailer:*'] },
        consent: { sends: [{ tool: 'fixture-mailer:send', channel: 'email', recipientPath: '/to' }] },
      },
      note: 'connector tests',
    });
    await output(slug, 'governance:record_consent', { contact: 'x@example.com', channel: 'email', status: 'granted', source: 'test' });
  }
  // only acme's operator allow-listed the local provider: rival's requests to 127.0.0.1 stay refused
  await host.storage.outbound.set('acme', { allow: [`127.0.0.1:${as.port}`] });
}, 120_000);

afterAll(async () => {
  await app?.close();
  await host?.close();
  await as?.close();
  removeRoot(root);
});

/** Starts an OAuth connection as the operator, lets the provider approve, and follows the redirect back. */
async function connectOAuth(ws: string, body: Record<string, unknown> = {}) {
  const started = await op({
    method: 'POST',
    url: `/api/workspaces/${ws}/connections/oauth/start`,
    payload: { plugin: 'fixture-social', ...body },
  });
  expect(started.statusCode, started.body).toBe(200);
  const { authorizeUrl } = started.json() as { authorizeUrl: string };
  const approve = await fetch(authorizeUrl, { redirect: 'manual' });
  const back = new URL(approve.headers.get('location') ?? '');
  const callback = await app.inject({ method: 'GET', url: `${back.pathname}${back.search}` });
  return { authorizeUrl: new URL(authorizeUrl), callback, callbackUrl: `${back.pathname}${back.search}` };
}

async function connections(ws: string) {
  const res = await op({ method: 'GET', url: `/api/workspaces/${ws}/connections` });
  expect(res.statusCode, res.body).toBe(200);
  return res.json() as {
    connections: {
      id: string;
      label: string;
      status: string;
      default: boolean;
      authType: string;
      lastError: string | null;
      tokenExpiresAt: string | null;
      secretsSet: string[];
      fields: Record<string, string>;
      account: { id: string | null };
    }[];
  };
}

describe('API-key connections', () => {
  let brand: string;
  let support: string;

  it('adds two accounts of one connector; secret values never come back', async () => {
    const add = (label: string, apiKey: string) =>
      op({
        method: 'POST',
        url: '/api/workspaces/acme/connections',
        payload: {
          plugin: 'fixture-mailer',
          label,
          fields: { apiKey, fromAddress: `${label}@acme.test`, webhookSecret: `whsec-${label}` },
        },
      });
    const a = await add('brand', 'key-brand-1111');
    const b = await add('support', 'key-support-2222');
    expect([a.statusCode, b.statusCode]).toEqual([201, 201]);
    brand = a.json().connection.id;
    support = b.json().connection.id;
    const list = await op({ method: 'GET', url: '/api/workspaces/acme/connections' });
    expect(list.body).not.toContain('key-brand-1111');
    expect(list.body).not.toContain('whsec-brand');
    const mine = (await connections('acme')).connections.filter((c) => c.authType === 'apiKey');
    expect(mine.map((c) => [c.label, c.default, c.secretsSet, c.fields.fromAddress])).toEqual([
      ['brand', true, ['apiKey', 'webhookSecret'], 'brand@acme.test'],
      ['support', false, ['apiKey', 'webhookSecret'], 'support@acme.test'],
    ]);
  });

  it('two calls use two connections, each with its own key; the default when none is named', async () => {
    const viaSupport = await output<{ connection: string; keyTail: string }>('acme', 'fixture-mailer:send', {
      to: 'x@example.com',
      subject: 'hi',
      connection: 'support',
    });
    expect(viaSupport).toMatchObject({ connection: support, keyTail: '2222' });
    const viaDefault = await output<{ connection: string; keyTail: string }>('acme', 'fixture-mailer:send', {
      to: 'x@example.com',
      subject: 'hi',
    });
    expect(viaDefault).toMatchObject({ connection: brand, keyTail: '1111' });
    const byId = await output<{ connection: string }>('acme', 'fixture-mailer:send', {
      to: 'x@example.com',
      subject: 'hi',
      connection: support,
    });
    expect(byId.connection).toBe(support);
  });

  it('a bad field, a duplicate label and an unknown connection are coded errors', async () => {
    const bad = await op({
      method: 'POST',
      url: '/api/workspaces/acme/connections',
      payload: { plugin: 'fixture-mailer', label: 'x', fields: { nope: 'v' } },
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.code).toBe('NH_CONNECTION_INVALID');
    const dup = await op({
      method: 'POST',
      url: '/api/workspaces/acme/connections',
      payload: { plugin: 'fixture-mailer', label: 'brand', fields: { apiKey: 'k', fromAddress: 'a@b.c' } },
    });
    expect([dup.statusCode, dup.json().error.code]).toEqual([409, 'NH_CONNECTION_EXISTS']);
    const oauthByKey = await op({
      method: 'POST',
      url: '/api/workspaces/acme/connections',
      payload: { plugin: 'fixture-social', label: 'k', fields: {} },
    });
    expect(oauthByKey.json().error.code).toBe('NH_CONNECTION_INVALID');
    const missing = await failure(call('acme', 'fixture-mailer:send', { to: 'x@example.com', subject: 'hi', connection: 'nobody' }));
    expect(missing?.code).toBe('NH_CONNECTOR_NOT_CONNECTED');
  });
});

describe('OAuth 2.0 connections (authorization code + PKCE)', () => {
  let first: string;

  it('connects: S256 challenge sent, the verifier checked by the provider, tokens sealed, the account known', async () => {
    const before = as.stats.pkceVerified;
    const { authorizeUrl, callback } = await connectOAuth('acme');
    expect(authorizeUrl.searchParams.get('code_challenge_method')).toBe('S256');
    expect(authorizeUrl.searchParams.get('redirect_uri')).toMatch(/\/api\/connections\/oauth\/callback$/);
    expect(authorizeUrl.searchParams.get('scope')).toBe('post read');
    expect(callback.statusCode, callback.body).toBe(303);
    const location = new URL(callback.headers.location as string, 'http://x');
    expect(location.pathname).toBe('/w/acme/connections');
    first = location.searchParams.get('connected') ?? '';
    expect(as.stats.pkceVerified).toBe(before + 1);
    const c = (await connections('acme')).connections.find((x) => x.id === first);
    expect(c).toMatchObject({ label: 'Fixture social', status: 'active', default: true, authType: 'oauth2' });
    expect(c?.account.id).toMatch(/^user-/);
    expect(c?.tokenExpiresAt).not.toBeNull();
    const list = await op({ method: 'GET', url: '/api/workspaces/acme/connections' });
    expect(list.body).not.toMatch(/"at-\d|"rt-\d/);
  });

  it('a replayed callback and a forged state are refused', async () => {
    const { callbackUrl } = await connectOAuth('acme', { label: 'replayed' });
    const replay = await app.inject({ method: 'GET', url: callbackUrl });
    expect([replay.statusCode, replay.json().error.code]).toEqual([400, 'NH_CONNECTION_OAUTH_STATE']);
    const forged = await app.inject({ method: 'GET', url: '/api/connections/oauth/callback?state=forged&code=x' });
    expect(forged.json().error.code).toBe('NH_CONNECTION_OAUTH_STATE');
    await op({ method: 'DELETE', url: '/api/workspaces/acme/connections/replayed' });
  });

  it('two accounts of one connector: each call carries its own token', async () => {
    const { callback } = await connectOAuth('acme', { label: 'Second brand' });
    const second = new URL(callback.headers.location as string, 'http://x').searchParams.get('connected');
    const a = await output<{ connection: string; token: string }>('acme', 'fixture-social:post', { text: 'one' });
    const b = await output<{ connection: string; token: string }>('acme', 'fixture-social:post', {
      text: 'two',
      connection: 'Second brand',
    });
    expect(a.connection).toBe(first);
    expect(b.connection).toBe(second);
    expect(a.token).not.toBe(b.token);
    expect([a.token, b.token].every((t) => t.startsWith('at-'))).toBe(true);
  });

  it('a token about to expire is refreshed before the call', async () => {
    as.settings.expiresIn = 30; // under the one-minute margin
    const { callback } = await connectOAuth('acme', { label: 'short-lived' });
    as.settings.expiresIn = 3600;
    const id = new URL(callback.headers.location as string, 'http://x').searchParams.get('connected') ?? '';
    const issued = (await connections('acme')).connections.find((c) => c.id === id)?.tokenExpiresAt;
    const refreshes = as.stats.refreshGrants;
    const r = await output<{ token: string }>('acme', 'fixture-social:post', { text: 'x', connection: id });
    expect(as.stats.refreshGrants).toBe(refreshes + 1);
    const after = (await connections('acme')).connections.find((c) => c.id === id);
    expect(new Date(after?.tokenExpiresAt ?? 0).getTime()).toBeGreaterThan(new Date(issued ?? 0).getTime() + 3000_000);
    // the next call uses the refreshed token without refreshing again
    const again = await output<{ token: string }>('acme', 'fixture-social:post', { text: 'x', connection: id });
    expect(again.token).toBe(r.token);
    expect(as.stats.refreshGrants).toBe(refreshes + 1);
  });

  it('a token the provider refuses (NH_CONNECTOR_AUTH_FAILED) is refreshed once and the call succeeds', async () => {
    const before = await output<{ token: string }>('acme', 'fixture-social:post', { text: 'x' });
    as.invalidate(before.token);
    const refreshes = as.stats.refreshGrants;
    const after = await output<{ token: string; connection: string }>('acme', 'fixture-social:post', { text: 'x' });
    expect(after.token).not.toBe(before.token);
    expect(after.connection).toBe(first);
    expect(as.stats.refreshGrants).toBe(refreshes + 1);
  });

  it('revoke: the provider revokes the grant, the credentials are erased, calls through it are refused', async () => {
    const res = await op({ method: 'POST', url: `/api/workspaces/acme/connections/Second brand/revoke` });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().connection).toMatchObject({ status: 'revoked', default: false, secretsSet: [] });
    expect(as.stats.revoked.at(-1)).toMatch(/^rt-/);
    const refused = await failure(call('acme', 'fixture-social:post', { text: 'x', connection: 'Second brand' }));
    expect(refused?.code).toBe('NH_CONNECTOR_NOT_CONNECTED');
  });

  it('SSRF: the token endpoint on loopback is refused for a workspace whose operator did not allow-list it', async () => {
    const { callback } = await connectOAuth('rival');
    expect(callback.statusCode).toBe(303);
    const location = new URL(callback.headers.location as string, 'http://x');
    expect(location.pathname).toBe('/w/rival/connections');
    expect(location.searchParams.get('error')).toBe('NH_OUTBOUND_BLOCKED');
    expect((await connections('rival')).connections.filter((c) => c.authType === 'oauth2')).toEqual([]);
  });
});

describe('webhooks at /hooks/<connector>/<connection>', () => {
  let brand: string;
  const hook = (id: string, body: string, headers: Record<string, string>) =>
    app.inject({
      method: 'POST',
      url: `/hooks/fixture-mailer/${id}`,
      payload: body,
      headers: { 'content-type': 'application/json', ...headers },
    });
  const events = (list: unknown[]) => JSON.stringify({ events: list });
  const now = () => Math.floor(Date.now() / 1000);

  beforeAll(async () => {
    brand = (await connections('acme')).connections.find((c) => c.label === 'brand')?.id ?? '';
  });

  it('a verified event is stored once: a replay answers 200 and stores nothing', async () => {
    const body = events([{ id: 'evt-1', type: 'delivered', messageId: 'msg-1', to: 'x@example.com', at: new Date().toISOString() }]);
    const first = await hook(brand, body, signHmacSha256('whsec-brand', body, now()));
    expect(first.statusCode, first.body).toBe(200);
    expect(first.json()).toEqual({ received: 1, stored: 1 });
    const replay = await hook(brand, body, signHmacSha256('whsec-brand', body, now()));
    expect(replay.json()).toEqual({ received: 1, stored: 0 });
    const listed = await op({ method: 'GET', url: '/api/workspaces/acme/connector-events?messageId=msg-1' });
    expect(listed.json().events).toHaveLength(1);
    expect(listed.json().events[0]).toMatchObject({ eventId: 'evt-1', type: 'delivered', connection: brand, recipient: 'x@example.com' });
  });

  it('a forged signature, a stale timestamp, a missing header, an oversized or unreadable body: coded 4xx, nothing stored', async () => {
    const body = events([
      { id: 'evt-forged', type: 'unsubscribed', messageId: 'msg-2', to: 'x@example.com', at: new Date().toISOString() },
    ]);
    const forged = await hook(brand, body, signHmacSha256('not-the-secret', body, now()));
    expect([forged.statusCode, forged.json().error.code]).toEqual([401, 'NH_WEBHOOK_SIGNATURE_INVALID']);
    const otherConnection = await hook(brand, body, signHmacSha256('whsec-support', body, now()));
    expect(otherConnection.statusCode).toBe(401);
    const stale = await hook(brand, body, signHmacSha256('whsec-brand', body, now() - 600));
    expect([stale.statusCode, stale.json().error.code]).toEqual([401, 'NH_WEBHOOK_TIMESTAMP_STALE']);
    const bare = await hook(brand, body, {});
    expect(bare.statusCode).toBe(401);
    const tampered = signHmacSha256('whsec-brand', body, now());
    const altered = await hook(brand, body.replace('unsubscribed', 'delivered'), tampered);
    expect(altered.statusCode).toBe(401);
    const big = 'x'.repeat(300 * 1024);
    const tooBig = await hook(brand, big, signHmacSha256('whsec-brand', big, now()));
    expect(tooBig.statusCode).toBe(413);
    const junk = 'not json';
    const unreadable = await hook(brand, junk, signHmacSha256('whsec-brand', junk, now()));
    expect([unreadable.statusCode, unreadable.json().error.code]).toEqual([400, 'NH_WEBHOOK_BODY_INVALID']);
    const unknown = await hook('00000000-0000-4000-8000-000000000000', body, signHmacSha256('whsec-brand', body, now()));
    expect([unknown.statusCode, unknown.json().error.code]).toEqual([404, 'NH_WEBHOOK_NOT_FOUND']);
    const wrongPlugin = await app.inject({ method: 'POST', url: `/hooks/fixture-social/${brand}`, payload: body });
    expect(wrongPlugin.statusCode).toBe(404);
    const listed = await op({ method: 'GET', url: '/api/workspaces/acme/connector-events?messageId=msg-2' });
    expect(listed.json().events).toEqual([]);
  });

  it('an unsubscribe webhook makes the next send to that contact fail with the consent reason', async () => {
    await output('acme', 'governance:record_consent', {
      contact: 'ada@example.com',
      channel: 'email',
      status: 'granted',
      source: 'signup',
    });
    const sent = await output<{ connection: string }>('acme', 'fixture-mailer:send', { to: 'ada@example.com', subject: 'Sale' });
    expect(sent.connection).toBe(brand);
    const body = events([
      { id: 'evt-unsub-1', type: 'unsubscribed', messageId: 'msg-3', to: 'Ada@Example.com', at: new Date().toISOString() },
    ]);
    const res = await hook(brand, body, signHmacSha256('whsec-brand', body, now()));
    expect(res.json()).toEqual({ received: 1, stored: 1 });
    const denied = await failure(call('acme', 'fixture-mailer:send', { to: 'ada@example.com', subject: 'Sale' }));
    expect(denied?.code).toBe('NH_TOOL_DENIED');
    expect((denied?.details as { code?: string } | undefined)?.code).toBe('NH_GOV_OPTED_OUT');
    expect(denied?.message).toContain('webhook:fixture-mailer unsubscribed');
  });
});

describe('one workspace cannot use or see another workspace’s connections or events', () => {
  let acmeBrand: string;
  let rivalAdmin: Record<string, string>;

  beforeAll(async () => {
    acmeBrand = (await connections('acme')).connections.find((c) => c.label === 'brand')?.id ?? '';
    const token = await op({ method: 'POST', url: '/api/workspaces/rival/tokens', payload: { name: 'rival admin', role: 'admin' } });
    rivalAdmin = { authorization: `Bearer ${token.json().token}` };
  });

  it("rival's admin token cannot list, change, test or remove acme's connections, nor read its events", async () => {
    for (const [method, url] of [
      ['GET', '/api/workspaces/acme/connections'],
      ['GET', '/api/workspaces/acme/connector-events'],
      ['POST', `/api/workspaces/acme/connections/${acmeBrand}/revoke`],
      ['DELETE', `/api/workspaces/acme/connections/${acmeBrand}`],
    ] as const) {
      const res = await app.inject({ method, url, headers: rivalAdmin });
      expect([url, res.statusCode, res.json().error.code]).toEqual([url, 404, 'NH_WORKSPACE_NOT_FOUND']);
    }
    // through its own workspace's routes, acme's connection id names nothing
    for (const [method, url] of [
      ['PATCH', `/api/workspaces/rival/connections/${acmeBrand}`],
      ['POST', `/api/workspaces/rival/connections/${acmeBrand}/revoke`],
      ['POST', `/api/workspaces/rival/connections/${acmeBrand}/test`],
      ['DELETE', `/api/workspaces/rival/connections/${acmeBrand}`],
    ] as const) {
      const res = await app.inject({ method, url, headers: rivalAdmin, ...(method === 'PATCH' ? { payload: { default: true } } : {}) });
      expect([url, res.statusCode, res.json().error.code]).toEqual([url, 404, 'NH_CONNECTION_NOT_FOUND']);
    }
    const events = await app.inject({
      method: 'GET',
      url: `/api/workspaces/rival/connector-events?connection=${acmeBrand}`,
      headers: rivalAdmin,
    });
    expect(events.json().events).toEqual([]);
    expect((await connections('acme')).connections.find((c) => c.id === acmeBrand)?.status).toBe('active');
  });

  it("a call in rival naming acme's connection is not connected", async () => {
    const err = await failure(call('rival', 'fixture-mailer:send', { to: 'x@example.com', subject: 'x', connection: acmeBrand }));
    expect(err?.code).toBe('NH_CONNECTOR_NOT_CONNECTED');
    const byLabel = await failure(call('rival', 'fixture-mailer:send', { to: 'x@example.com', subject: 'x', connection: 'brand' }));
    expect(byLabel?.code).toBe('NH_CONNECTOR_NOT_CONNECTED');
  });
});

describe('ctx.channels: which connector serves a channel', () => {
  it('the connected real connector with its default connection, else the sandbox; nothing for a channel no connector serves', async () => {
    const ws = await host.storage.service.resolveWorkspace('acme');
    const router = host.storage.workspaces.channels?.(ws.id);
    const email = await router?.resolve('email');
    const brand = (await connections('acme')).connections.find((c) => c.label === 'brand');
    expect(email).toEqual({
      plugin: 'fixture-mailer',
      tool: 'fixture-mailer:send',
      sandbox: false,
      connection: { id: brand?.id, label: 'brand' },
    });
    expect((await router?.resolve('email', { connection: 'support' }))?.connection?.label).toBe('support');
    expect((await router?.resolve('social', { network: 'x' }))?.tool).toBe('fixture-social:post');
    expect(await router?.resolve('social', { network: 'linkedin' })).toBeUndefined();
    expect(await router?.resolve('sms')).toBeUndefined();
    // rival has nothing connected: its e-mail goes to the enabled sandbox connector, not to an unconnected real one
    const rival = await host.storage.service.resolveWorkspace('rival');
    expect(await host.storage.workspaces.channels?.(rival.id).resolve('email')).toEqual({
      plugin: 'connector-email-sandbox',
      tool: 'connector-email-sandbox:send',
      sandbox: true,
    });
    // naming a connection never falls back to the sandbox
    expect(await host.storage.workspaces.channels?.(rival.id).resolve('email', { connection: 'brand' })).toBeUndefined();
  });
});
