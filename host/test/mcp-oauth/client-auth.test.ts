import { generateKeyPairSync } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { NeonHubError } from '@neonhub/schemas';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Host } from '../../src/host.js';
import { MCP_OAUTH_CALLBACK_PATH } from '../../src/mcp-oauth/index.js';
import { installationSecretVariable } from '../../src/plugins/installation-secrets.js';
import { listMcpTools } from '../../src/runtimes/mcp-call.js';
import { startClientAuthServer } from '../fixtures/oauth-client-auth-server.js';
import { bootHost, lockRoot, makeRoot, removeRoot, silentLogger } from '../integration/helpers.js';

const redirectUri = `http://localhost:8787${MCP_OAUTH_CALLBACK_PATH}`;
const actor = { type: 'system' as const, id: 'test' };
const keys = generateKeyPairSync('rsa', { modulusLength: 2048 });
const privatePem = keys.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
const publicPem = keys.publicKey.export({ type: 'spki', format: 'pem' }).toString();

const env: Record<string, string> = {
  [installationSecretVariable('cc-basic', 'CLIENT_SECRET')]: 'basic-secret',
  [installationSecretVariable('cc-jwt', 'PRIVATE_KEY')]: privatePem,
  [installationSecretVariable('pre-post', 'CLIENT_SECRET')]: 'post-secret',
};

let server: Awaited<ReturnType<typeof startClientAuthServer>>;
let root: string;
let host: Host;

const plugins: Record<string, { oauth: Record<string, unknown>; secrets?: string[] }> = {
  'cc-basic': {
    oauth: {
      grant: 'client_credentials',
      clientId: 'm2m-basic',
      clientSecret: 'CLIENT_SECRET',
      tokenEndpointAuthMethod: 'client_secret_basic',
    },
    secrets: ['CLIENT_SECRET'],
  },
  'cc-jwt': {
    oauth: {
      grant: 'client_credentials',
      clientId: 'm2m-jwt',
      privateKeySecret: 'PRIVATE_KEY',
      tokenEndpointAuthMethod: 'private_key_jwt',
    },
    secrets: ['PRIVATE_KEY'],
  },
  'pre-post': {
    oauth: { clientId: 'web-post', clientSecret: 'CLIENT_SECRET', tokenEndpointAuthMethod: 'client_secret_post' },
    secrets: ['CLIENT_SECRET'],
  },
  // machine credentials of the workspace itself, given when it connects
  'ws-m2m': { oauth: { grant: 'client_credentials', tokenEndpointAuthMethod: 'client_secret_basic' } },
};

const idOf = async (slug: string) => (await host.storage.service.resolveWorkspace(slug)).id;
const whoami = async (slug: string, plugin: string) => {
  const r = await host.callTool({ workspace: slug, tool: `${plugin}:whoami`, input: {}, actor });
  if (r.status !== 'ok') throw new Error('pending approval');
  return r.output as { account: string; client: string };
};

beforeAll(async () => {
  server = await startClientAuthServer({
    'm2m-basic': { method: 'client_secret_basic', secret: 'basic-secret' },
    'm2m-jwt': { method: 'private_key_jwt', publicKey: publicPem },
    'web-post': { method: 'client_secret_post', secret: 'post-secret', redirectUri },
    'ws-own': { method: 'client_secret_basic', secret: 'ws-secret' },
  });
  Object.assign(process.env, env);
  root = makeRoot('mcp-oauth-client-auth', []);
  for (const [id, p] of Object.entries(plugins)) {
    mkdirSync(join(root, 'plugins', id), { recursive: true });
    writeFileSync(
      join(root, 'plugins', id, 'plugin.json'),
      JSON.stringify({
        id,
        version: '1.0.0',
        kind: 'connector',
        description: `OAuth client authentication: ${id}`,
        host: '^0.2.0',
        secrets: (p.secrets ?? []).map((name) => ({ name })),
        runtime: { type: 'mcp-http', url: server.url, oauth: p.oauth },
      }),
    );
  }
  const client = new Client({ name: 'locker', version: '1' });
  await client.connect(
    new StreamableHTTPClientTransport(new URL(server.url), {
      requestInit: { headers: { authorization: `Bearer ${server.mint('locker')}` } },
    }),
  );
  const tools = await listMcpTools(client, { pluginId: 'x', trustNeonHubMeta: false, logger: silentLogger().logger });
  await client.close();
  await lockRoot(root, { extraTools: Object.fromEntries(Object.keys(plugins).map((id) => [id, tools])) });
  host = await bootHost(root, { env: { NEONHUB_OUTBOUND_ALLOW: '127.0.0.1' } });
  await host.storage.service.createWorkspace({ slug: 'acme' });
  for (const id of Object.keys(plugins)) await host.storage.service.enablePlugin('acme', id);
}, 60_000);

afterAll(async () => {
  await host?.close();
  await server?.close();
  for (const k of Object.keys(env)) delete process.env[k];
  removeRoot(root);
});

describe('client authentication at the token endpoint, and client credentials', () => {
  it('client_credentials + client_secret_basic: connected at once, no browser; calls carry the machine token', async () => {
    const started = await host.storage.mcpOAuth.start(await idOf('acme'), 'cc-basic', {}, { userId: null, redirectUri });
    expect(started.status).toBe('connected');
    expect(server.log.methods).toContain('m2m-basic:client_secret_basic');
    expect(server.log.grants).toContain('m2m-basic:client_credentials');
    expect(await whoami('acme', 'cc-basic')).toMatchObject({ account: 'machine:m2m-basic', client: 'm2m-basic' });
  });

  it('client_credentials + private_key_jwt: a signed client assertion (RFC 7523), never a secret', async () => {
    const started = await host.storage.mcpOAuth.start(await idOf('acme'), 'cc-jwt', {}, { userId: null, redirectUri });
    expect(started.status).toBe('connected');
    expect(server.log.methods).toContain('m2m-jwt:private_key_jwt');
    const claims = server.log.assertions.at(-1)!;
    expect(claims).toMatchObject({ iss: 'm2m-jwt', sub: 'm2m-jwt' });
    expect(await whoami('acme', 'cc-jwt')).toMatchObject({ account: 'machine:m2m-jwt' });
  });

  it('a pre-registered client with client_secret_post: authorization code + PKCE, no dynamic registration', async () => {
    const started = await host.storage.mcpOAuth.start(await idOf('acme'), 'pre-post', {}, { userId: null, redirectUri });
    if (started.status !== 'redirect') throw new Error('expected a link');
    const url = new URL(started.authorizeUrl);
    expect(url.searchParams.get('client_id')).toBe('web-post');
    expect(url.searchParams.get('resource')).toBe(server.url);
    expect(url.searchParams.get('scope')).toBe('mcp:tools');
    const res = await fetch(started.authorizeUrl, { redirect: 'manual', headers: { 'x-account': 'erin' } });
    const done = await host.storage.mcpOAuth.finish(new URL(res.headers.get('location')!).searchParams, { userId: null });
    expect(done.error).toBeUndefined();
    expect(server.log.methods).toContain('web-post:client_secret_post');
    expect(await whoami('acme', 'pre-post')).toMatchObject({ account: 'erin', client: 'web-post' });
    const status = await host.storage.mcpOAuth.status(await idOf('acme'), 'pre-post');
    expect(status).toMatchObject({ status: 'connected', client: 'pre-registered' });
    // the client secret stays in the operator's variable: the grant does not copy it
    const grant = await host.storage.mcpOAuth.store.get(await idOf('acme'), 'pre-post', server.url);
    expect(JSON.stringify(grant!.state)).not.toContain('post-secret');
  });

  it("the workspace's own machine credentials: refused without them, wrong ones are NH_MCP_OAUTH_FAILED, right ones connect", async () => {
    const ws = await idOf('acme');
    await expect(host.storage.mcpOAuth.start(ws, 'ws-m2m', {}, { userId: null, redirectUri })).rejects.toMatchObject({
      code: 'NH_MCP_OAUTH_INVALID',
    });
    const wrong = (await host.storage.mcpOAuth
      .start(ws, 'ws-m2m', { clientId: 'ws-own', clientSecret: 'nope' }, { userId: null, redirectUri })
      .catch((e) => e)) as NeonHubError;
    expect(wrong.code).toBe('NH_MCP_OAUTH_FAILED');
    expect(server.log.refused).toContain('ws-own:client_secret_basic');
    const ok = await host.storage.mcpOAuth.start(
      ws,
      'ws-m2m',
      { clientId: 'ws-own', clientSecret: 'ws-secret' },
      { userId: null, redirectUri },
    );
    expect(ok.status).toBe('connected');
    expect(await whoami('acme', 'ws-m2m')).toMatchObject({ account: 'machine:ws-own' });
    expect((await host.storage.mcpOAuth.status(ws, 'ws-m2m')).client).toBe('workspace');
  });
});
