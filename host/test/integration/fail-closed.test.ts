import type { Actor, NeonHubError } from '@neonhub/schemas';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Host } from '../../src/host.js';
import { buildApp } from '../../src/server/app.js';
import { bootHost, lockRoot, makeRoot, removeRoot, repoPlugin, writePlugin } from './helpers.js';

/**
 * Fail closed: a workspace whose enabled plugin with hooks is not loaded refuses every call that
 * changes something (NH_POLICY_PLUGIN_MISSING, 503, naming the plugin); reads still work; /health
 * is degraded with the reason. The reproduction: governance refused at start
 * (NH_PLUGIN_HOOKS_NEED_IN_PROCESS), a member's connector-email-sandbox:send went out unapproved.
 */
let root: string;
const ids = ['governance', 'data-trust', 'connector-email-sandbox'];
const member: Actor = { type: 'user', id: 'member-1', role: 'member' };
const send = { to: 'ada@example.com', subject: 'Spring sale', text: 'Our spring sale starts today. Unsubscribe any time.' };
const failure = (p: Promise<unknown>) => p.then(() => undefined).catch((e: NeonHubError) => e);

beforeAll(async () => {
  root = makeRoot(
    'fail-closed',
    ids.map((id) => ({ from: repoPlugin(id), link: true })),
  );
  // a third-party plugin with hooks whose code cannot load (a syntax error): no first-party id involved
  writePlugin(root, 'policy-x', {
    'plugin.json': JSON.stringify({
      id: 'policy-x',
      version: '1.0.0',
      kind: 'capability',
      description: 'a third-party policy plugin',
      host: '^0.2.0',
      runtime: { type: 'module', entry: 'index.mjs' },
      hooks: [{ event: 'beforeToolCall' }],
    }),
    'index.mjs': 'export default {\n',
  });
  await lockRoot(root);
  const host = await bootHost(root);
  await host.storage.service.createWorkspace({ slug: 'acme' });
  await host.storage.service.createWorkspace({ slug: 'other' });
  for (const id of ids) await host.storage.service.enablePlugin('acme', id);
  await host.storage.service.enablePlugin('other', 'connector-email-sandbox');
  await host.close();
}, 120_000);

afterAll(() => removeRoot(root));

async function withHost(fn: (host: Host, app: FastifyInstance) => Promise<void>) {
  const host = await bootHost(root);
  const app = await buildApp(host);
  try {
    await fn(host, app);
  } finally {
    await app.close();
    await host.close();
  }
}

const outbox = async (host: Host, workspace = 'acme') => {
  const r = await host.callTool({ workspace, tool: 'connector-email-sandbox:outbox', input: {}, actor: member });
  return r.status === 'ok' ? (r.output as { messages: unknown[] }).messages : [];
};

describe('governance refused at start', () => {
  beforeAll(() => lockRoot(root, { isolation: { governance: 'isolated' } }), 60_000);

  it("a member's send is refused with NH_POLICY_PLUGIN_MISSING naming governance; reads work; /health is degraded with the reason", async () => {
    await withHost(async (host, app) => {
      expect(host.problems.find((p) => p.id === 'governance')?.error.code).toBe('NH_PLUGIN_HOOKS_NEED_IN_PROCESS');

      // over HTTP with a member's API token, as in the issue
      const acme = await host.storage.workspaces.resolve('acme');
      const { token } = await host.storage.tokens.create({ workspaceId: acme.id, role: 'member', name: 'member' });
      const res = await app.inject({
        method: 'POST',
        url: '/api/workspaces/acme/tools/connector-email-sandbox:send/call',
        headers: { authorization: `Bearer ${token}` },
        payload: { input: send },
      });
      expect(res.statusCode).toBe(503);
      expect(res.json().error).toMatchObject({ code: 'NH_POLICY_PLUGIN_MISSING', details: { plugins: ['governance'] } });
      expect(res.json().error.message).toContain('governance');

      // the pipeline, for every caller: refused, nothing sent; reads still answer
      const err = await failure(host.callTool({ workspace: 'acme', tool: 'connector-email-sandbox:send', input: send, actor: member }));
      expect(err).toMatchObject({ code: 'NH_POLICY_PLUGIN_MISSING', status: 503, details: { plugin: 'governance' } });
      expect(await outbox(host)).toEqual([]);

      // a workspace that does not enable governance is not affected
      const other = await host.callTool({ workspace: 'other', tool: 'connector-email-sandbox:send', input: send, actor: member });
      expect(other.status).toBe('ok');
      expect(await outbox(host, 'other')).toHaveLength(1);

      const health = (await app.inject({ method: 'GET', url: '/health' })).json();
      expect(health.status).toBe('degraded');
      expect(health.plugins).toContainEqual({ id: 'governance', status: 'failed' });
      expect(health.reasons.join('\n')).toMatch(/governance.*NH_PLUGIN_HOOKS_NEED_IN_PROCESS/);
    });
  }, 60_000);

  it('any third-party plugin with hooks counts: a broken one fails its workspaces closed', async () => {
    await withHost(async (host) => {
      expect(host.problems.find((p) => p.id === 'policy-x')?.error.code).toBe('NH_PLUGIN_LOAD_FAILED');
      expect(host.plugins.missingPolicyPlugins()).toEqual(expect.arrayContaining(['governance', 'policy-x']));
      // policy-x is enabled nowhere yet: "other" still sends
      expect((await host.callTool({ workspace: 'other', tool: 'connector-email-sandbox:send', input: send, actor: member })).status).toBe(
        'ok',
      );
    });
  }, 60_000);
});

describe('governance back in-process', () => {
  beforeAll(() => lockRoot(root, { isolation: { governance: 'in-process' } }), 60_000);

  it('sends are held for approval again and /health is ok but for the broken third-party plugin', async () => {
    await withHost(async (host, app) => {
      const sent = await outbox(host);
      const r = await host.callTool({ workspace: 'acme', tool: 'connector-email-sandbox:send', input: send, actor: member });
      expect(r).toMatchObject({ status: 'pending_approval', plugin: 'governance' });
      expect(await outbox(host)).toEqual(sent);
      const health = (await app.inject({ method: 'GET', url: '/health' })).json();
      expect(health.plugins).toContainEqual({ id: 'governance', status: 'ready' });
      expect(health.reasons).toEqual([expect.stringContaining('policy-x')]);
    });
  }, 60_000);
});
