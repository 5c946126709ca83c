import { createHash, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerOAuthRoutes } from '../../src/mcp/oauth.js';
import { connectHttp } from './client.js';
import { startTestHost, type TestHost } from './fixtures/harness.js';

let host: TestHost;
let base: string;
const redirectUri = 'http://127.0.0.1:33418/callback';
const MAX_CLIENTS = 5;

beforeAll(async () => {
  host = await startTestHost({
    http: { oauth: true },
    beforeListen: (app, { tokens, workspaces }) =>
      void registerOAuthRoutes(app, {
        tokens,
        // the person consenting (the host resolves a console session; here a test header names them):
        // alice owns every workspace, victor only views alpha
        consenter: async (request) => {
          const who = request.headers['x-test-user'];
          const all = await workspaces.list();
          if (who === 'alice') return { id: 'alice', workspaces: all.map((w) => ({ ...w, role: 'owner' as const })) };
          if (who === 'victor')
            return { id: 'victor', workspaces: all.filter((w) => w.slug === 'alpha').map((w) => ({ ...w, role: 'viewer' as const })) };
          return undefined;
        },
        maxClients: MAX_CLIENTS,
      }),
  });
  host.workspaces.enable('alpha', 'demo');
  base = `http://127.0.0.1:${host.port}`;
});
afterAll(async () => {
  await host?.close();
});

const pkce = () => {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
};

async function register() {
  const res = await fetch(`${base}/oauth/register`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ redirect_uris: [redirectUri], client_name: 'Test IDE' }),
  });
  expect(res.status).toBe(201);
  return ((await res.json()) as { client_id: string }).client_id;
}

/** GET the consent page, then submit it: returns the redirect Location. */
async function consent(
  clientId: string,
  challenge: string,
  choice: { workspace: string; role: string; decision?: string },
  tamper?: { csrf?: string; cookie?: string; user?: string; submitter?: string },
) {
  const q = new URLSearchParams({
    response_type: 'code',
    client_id: clientId,
    redirect_uri: redirectUri,
    code_challenge: challenge,
    code_challenge_method: 'S256',
    state: 'xyz',
  });
  const pageRes = await fetch(`${base}/oauth/authorize?${q}`, { headers: { 'x-test-user': tamper?.user ?? 'alice' } });
  expect(pageRes.status).toBe(200);
  expect(pageRes.headers.get('x-frame-options')).toBe('DENY');
  const html = await pageRes.text();
  expect(html).toContain('Test IDE');
  const requestId = /name="request_id" value="([^"]+)"/.exec(html)![1]!;
  const csrf = /name="csrf" value="([^"]+)"/.exec(html)![1]!;
  const cookie = pageRes.headers.get('set-cookie')!.split(';')[0]!;
  const form = new URLSearchParams({
    request_id: requestId,
    csrf: tamper?.csrf ?? csrf,
    workspace_id: host.workspaces.get(choice.workspace).id,
    role: choice.role,
    decision: choice.decision ?? 'allow',
  });
  const res = await fetch(`${base}/oauth/authorize`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      cookie: tamper?.cookie ?? cookie,
      'x-test-user': tamper?.submitter ?? tamper?.user ?? 'alice',
    },
    body: form,
    redirect: 'manual',
  });
  return res;
}

const tokenRequest = (fields: Record<string, string>) =>
  fetch(`${base}/oauth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'authorization_code', redirect_uri: redirectUri, ...fields }),
  });

describe('OAuth 2.1 for the gateway', () => {
  it('publishes protected resource and authorization server metadata', async () => {
    const prm = (await (await fetch(`${base}/.well-known/oauth-protected-resource`)).json()) as Record<string, unknown>;
    expect(prm).toMatchObject({ resource: `${base}/mcp`, authorization_servers: [base] });
    const asm = (await (await fetch(`${base}/.well-known/oauth-authorization-server`)).json()) as Record<string, unknown>;
    expect(asm).toMatchObject({
      issuer: base,
      token_endpoint: `${base}/oauth/token`,
      registration_endpoint: `${base}/oauth/register`,
      code_challenge_methods_supported: ['S256'],
    });
  });

  it('registers a client, takes consent, exchanges the code (PKCE) for a token that works on /mcp', async () => {
    const clientId = await register();
    const { verifier, challenge } = pkce();
    const res = await consent(clientId, challenge, { workspace: 'alpha', role: 'viewer' });
    expect(res.status).toBe(303);
    const location = new URL(res.headers.get('location')!);
    expect(`${location.origin}${location.pathname}`).toBe(redirectUri);
    expect(location.searchParams.get('state')).toBe('xyz');
    const code = location.searchParams.get('code')!;

    const wrong = await tokenRequest({ code, client_id: clientId, code_verifier: pkce().verifier });
    expect(wrong.status).toBe(400);
    expect(((await wrong.json()) as { error: string }).error).toBe('invalid_grant');
    // the failed attempt burnt the code: codes are single-use
    const again = await tokenRequest({ code, client_id: clientId, code_verifier: verifier });
    expect(((await again.json()) as { error: string }).error).toBe('invalid_grant');

    const res2 = await consent(clientId, challenge, { workspace: 'alpha', role: 'viewer' });
    const code2 = new URL(res2.headers.get('location')!).searchParams.get('code')!;
    const ok = await tokenRequest({ code: code2, client_id: clientId, code_verifier: verifier });
    expect(ok.status).toBe(200);
    const { access_token, token_type } = (await ok.json()) as { access_token: string; token_type: string };
    expect(token_type).toBe('Bearer');
    expect(await host.tokens.verify(access_token)).toMatchObject({ role: 'viewer', name: 'oauth: Test IDE' });
    const { client } = await connectHttp(host.url, access_token);
    expect((await client.listTools()).tools.map((t) => t.name)).toContain('demo__echo');
    const write = await client.callTool({ name: 'demo__save_draft', arguments: { title: 'x' } });
    expect(write.isError).toBe(true); // a viewer
    await client.close();
    const replay = await tokenRequest({ code: code2, client_id: clientId, code_verifier: verifier });
    expect(((await replay.json()) as { error: string }).error).toBe('invalid_grant');
  });

  it('refuses unregistered redirect URIs, missing PKCE and forged consent', async () => {
    const clientId = await register();
    const bad = await fetch(
      `${base}/oauth/authorize?${new URLSearchParams({ response_type: 'code', client_id: clientId, redirect_uri: `${redirectUri}/evil`, code_challenge: pkce().challenge, code_challenge_method: 'S256' })}`,
      { redirect: 'manual' },
    );
    expect(bad.status).toBe(400);
    expect(bad.headers.get('location')).toBeNull();
    const plain = await fetch(
      `${base}/oauth/authorize?${new URLSearchParams({ response_type: 'code', client_id: clientId, redirect_uri: redirectUri, code_challenge: 'abc', code_challenge_method: 'plain' })}`,
      { redirect: 'manual' },
    );
    expect(plain.status).toBe(303);
    expect(new URL(plain.headers.get('location')!).searchParams.get('error')).toBe('invalid_request');
    const forgedCsrf = await consent(clientId, pkce().challenge, { workspace: 'alpha', role: 'owner' }, { csrf: 'forged' });
    expect(forgedCsrf.status).toBe(403);
    const noCookie = await consent(clientId, pkce().challenge, { workspace: 'alpha', role: 'owner' }, { cookie: 'other=1' });
    expect(noCookie.status).toBe(403);
    const denied = await consent(clientId, pkce().challenge, { workspace: 'alpha', role: 'owner', decision: 'deny' });
    expect(new URL(denied.headers.get('location')!).searchParams.get('error')).toBe('access_denied');
    const badReg = await fetch(`${base}/oauth/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ redirect_uris: ['http://evil.example.com/cb'] }),
    });
    expect(badReg.status).toBe(400);
  });

  it('sends a visitor without a session to log in, and lets a user grant no more than their own role', async () => {
    const clientId = await register();
    const q = new URLSearchParams({
      response_type: 'code',
      client_id: clientId,
      redirect_uri: redirectUri,
      code_challenge: pkce().challenge,
      code_challenge_method: 'S256',
    });
    const anonymous = await fetch(`${base}/oauth/authorize?${q}`, { redirect: 'manual' });
    expect(anonymous.status).toBe(303);
    const login = new URL(anonymous.headers.get('location')!, base);
    expect(login.pathname).toBe('/login');
    expect(login.searchParams.get('next')).toBe(`/oauth/authorize?${q}`);
    expect(await anonymous.text()).not.toContain('request_id');

    // victor views alpha: the page offers only alpha and only viewer; asking for owner is refused, nothing issued
    const page = await fetch(`${base}/oauth/authorize?${q}`, { headers: { 'x-test-user': 'victor' } });
    const html = await page.text();
    expect(html).toContain('alpha');
    expect(html).not.toContain('>demo');
    expect(html).toContain('>alpha');
    expect(html).not.toContain('value="owner"');
    const escalate = await consent(clientId, pkce().challenge, { workspace: 'alpha', role: 'owner' }, { user: 'victor' });
    expect(escalate.status).toBe(403);
    expect(escalate.headers.get('location')).toBeNull();
    // a consent page opened by alice cannot be submitted by someone else
    const hijack = await consent(clientId, pkce().challenge, { workspace: 'alpha', role: 'viewer' }, { submitter: 'victor' });
    expect(hijack.status).toBe(403);
    const granted = await consent(clientId, pkce().challenge, { workspace: 'alpha', role: 'viewer' }, { user: 'victor' });
    expect(granted.status).toBe(303);
    expect(new URL(granted.headers.get('location')!).searchParams.get('code')).toBeTruthy();
  });

  it('keeps at most maxClients registrations: a flood forgets the oldest, never grows without bound', async () => {
    const ids: string[] = [];
    for (let i = 0; i <= MAX_CLIENTS; i++) ids.push(await register());
    const authorize = (clientId: string) =>
      fetch(
        `${base}/oauth/authorize?${new URLSearchParams({
          client_id: clientId,
          redirect_uri: redirectUri,
          response_type: 'code',
          code_challenge: pkce().challenge,
          code_challenge_method: 'S256',
        })}`,
        { redirect: 'manual', headers: { 'x-test-user': 'alice' } },
      );
    const oldest = await authorize(ids[0]!);
    expect(oldest.status).toBe(400);
    expect(await oldest.text()).toContain('Unknown client');
    expect((await authorize(ids.at(-1)!)).status).toBe(200); // the consent page
  });
});
