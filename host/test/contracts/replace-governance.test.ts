import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import type { RunView } from '@neonhub/orchestrator';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWorkspaceMcpServer } from '../../src/mcp/index.js';
import { buildApp } from '../../src/server/app.js';
import { apiThrough, bootHost, lockRoot, makeRoot, operatorInject, removeRoot, repoPlugin } from '../integration/helpers.js';

/**
 * A third-party policy plugin replaces governance: `gatekeeper` (host/test/fixtures/contracts) provides the policy
 * and approvals contracts under its own id. Runs, the approvals the console reads (the API) and MCP clients work
 * with it as they do with governance, and the host and core name neither.
 */
const FIXTURES = join(import.meta.dirname, '../fixtures/contracts');
const AGENTS = ['agent-content', 'agent-email', 'connector-email-sandbox'];

type Booted = Awaited<ReturnType<typeof bootHost>>;
let root: string;
let host: Booted;
let app: FastifyInstance;
let inject: FastifyInstance['inject'];

beforeAll(async () => {
  root = makeRoot('contracts-policy', [
    ...AGENTS.map((id) => ({ from: repoPlugin(id), link: true })),
    { from: repoPlugin('governance'), link: true },
    { from: join(FIXTURES, 'gatekeeper'), link: true },
    { from: join(FIXTURES, 'holder'), link: true },
  ]);
  await lockRoot(root);
  host = await bootHost(root);
  expect(host.problems).toEqual([]);
  const ws = host.storage.service;
  for (const slug of ['acme', 'other']) {
    await ws.createWorkspace({ slug });
    for (const id of AGENTS) await ws.enablePlugin(slug, id);
  }
  await ws.enablePlugin('acme', 'gatekeeper');
  app = await buildApp(host);
  inject = operatorInject(app, host);
}, 180_000);

afterAll(async () => {
  await app?.close();
  await host?.close();
  removeRoot(root);
});

const { api, untilRun: until } = apiThrough(() => inject);

const outbox = async (slug: string) =>
  (
    (await host.callTool({
      workspace: slug,
      tool: 'connector-email-sandbox:outbox',
      input: {},
      actor: { type: 'user', id: 't', role: 'owner' },
    })) as { output: { messages: unknown[] } }
  ).output.messages;

describe('a third-party policy plugin in place of governance', () => {
  it('is the workspace provider of policy and approvals (the contracts API), and none elsewhere', async () => {
    const acme = await api('GET', '/api/workspaces/acme/contracts');
    expect(acme.status).toBe(200);
    expect(acme.body).toEqual({
      policy: { plugin: 'gatekeeper', tools: {} },
      approvals: {
        plugin: 'gatekeeper',
        tools: {
          list_approvals: 'gatekeeper:list_approvals',
          get_approval: 'gatekeeper:get_approval',
          approve: 'gatekeeper:approve',
          reject: 'gatekeeper:reject',
        },
      },
      consent: null,
      memory: null,
      content: expect.objectContaining({ plugin: 'agent-content' }),
      calendar: null,
      campaigns: null,
      audit: null,
      usage: null,
    });
    expect((await api('GET', '/api/workspaces/other/contracts')).body).toEqual({
      policy: null,
      approvals: null,
      consent: null,
      memory: null,
      content: expect.objectContaining({ plugin: 'agent-content' }),
      calendar: null,
      campaigns: null,
      audit: null,
      usage: null,
    });
    const plugins = (await api<{ plugins: { id: string; provides?: string[] }[] }>('GET', '/api/workspaces/acme/plugins')).body.plugins;
    expect(plugins.find((p) => p.id === 'gatekeeper')?.provides).toEqual(['policy', 'approvals']);
  });

  let run: RunView;
  it("holds a run's send for approval: the step waits on the gatekeeper's approval, which the inbox lists", async () => {
    const created = await api<RunView>('POST', '/api/workspaces/acme/runs', {
      goal: 'announce the autumn catalogue by email',
      params: { recipients: ['ada@example.com'] },
    });
    expect(created.status).toBe(201);
    run = await until(created.body.run.id, (v) => v.run.status === 'waiting_approval');
    const send = run.steps.find((s) => s.id === 'send_email')!;
    expect(send.status).toBe('waiting_approval');
    expect(send.approvalId).toMatch(/^gk_/);
    expect(await outbox('acme')).toEqual([]);

    // the console's approvals inbox: the approvals provider's list tool, named by the contracts API
    const contracts = (await api<{ approvals: { tools: Record<string, string> } }>('GET', '/api/workspaces/acme/contracts')).body;
    const list = await api<{ output: { approvals: { id: string; tool: string; status: string }[] } }>(
      'POST',
      `/api/workspaces/acme/tools/${contracts.approvals.tools.list_approvals}/call`,
      { input: { status: 'pending' } },
    );
    expect(list.status).toBe(200);
    expect(list.body.output.approvals).toEqual([
      expect.objectContaining({ id: send.approvalId, tool: 'agent-email:send', status: 'pending' }),
    ]);
  });

  it('approving the step executes the held send once, through the gatekeeper', async () => {
    const r = await api('POST', `/api/runs/${run.run.id}/steps/send_email/approve`, { note: 'ok' });
    expect(r.status).toBe(200);
    const done = await until(run.run.id, (v) => v.run.status === 'succeeded' || v.run.status === 'failed');
    expect(done.run.status, JSON.stringify(done.steps.map((s) => [s.id, s.status, s.error]))).toBe('succeeded');
    expect(await outbox('acme')).toHaveLength(1);
    const approval = (
      (await host.callTool({
        workspace: 'acme',
        tool: 'gatekeeper:get_approval',
        input: { approvalId: done.steps.find((s) => s.id === 'send_email')!.approvalId },
        actor: { type: 'user', id: 't', role: 'owner' },
      })) as { output: unknown }
    ).output as { status: string; decidedBy: { id: string } };
    expect(approval).toMatchObject({ status: 'executed', decidedBy: { id: 'local-operator' } });
    // approving again changes nothing
    await api('POST', `/api/runs/${run.run.id}/steps/send_email/approve`, {});
    expect(await outbox('acme')).toHaveLength(1);
  });

  it('rejecting a held step goes through the gatekeeper too: the step fails and nothing is sent', async () => {
    const created = await api<RunView>('POST', '/api/workspaces/acme/runs', {
      goal: 'announce the winter sale by email',
      params: { recipients: ['grace@example.com'] },
    });
    const waiting = await until(created.body.run.id, (v) => v.run.status === 'waiting_approval');
    const approvalId = waiting.steps.find((s) => s.id === 'send_email')!.approvalId;
    const r = await api('POST', `/api/runs/${waiting.run.id}/steps/send_email/reject`, { reason: 'not this week' });
    expect(r.status).toBe(200);
    const done = await until(waiting.run.id, (v) => v.run.status === 'failed' || v.run.status === 'succeeded');
    expect(done.steps.find((s) => s.id === 'send_email')!.error).toMatchObject({ code: 'NH_RUN_STEP_REJECTED' });
    const approval = await host.callTool({
      workspace: 'acme',
      tool: 'gatekeeper:get_approval',
      input: { approvalId },
      actor: { type: 'user', id: 't', role: 'owner' },
    });
    expect(approval.status === 'ok' && approval.output).toMatchObject({ status: 'rejected', note: 'not this week' });
    expect(await outbox('acme')).toHaveLength(1);
  });

  it('over MCP: a send is held by the gatekeeper and approved with its approve tool', async () => {
    const ws = await host.storage.workspaces.resolve('acme');
    const mcp = createWorkspaceMcpServer({
      registry: host.registry,
      callTool: host.callTool,
      workspace: { id: ws.id, slug: ws.slug },
      enabledPlugins: async () => (await host.storage.service.listEnabledPlugins('acme')).map((p) => p.pluginId),
      principal: { id: 'mcp-owner', type: 'user', role: 'owner' },
    });
    const [a, b] = InMemoryTransport.createLinkedPair();
    await mcp.server.connect(a);
    const client = new Client({ name: 'contracts-test', version: '1.0.0' });
    await client.connect(b);
    try {
      const before = (await outbox('acme')).length;
      const composed = await client.callTool({
        name: 'agent-email__compose',
        arguments: { name: 'Hello', subject: 'Hello', body: 'Hello, see you soon. Reply STOP to unsubscribe.' },
      });
      const templateId = (composed.structuredContent as { templateId: string }).templateId;
      const held = await client.callTool({
        name: 'agent-email__send',
        arguments: { templateId, recipients: [{ email: 'lin@example.com' }] },
      });
      const approval = held._meta?.['neonhub/approval'] as { status: string; plugin: string; approvalId: string };
      expect(approval).toMatchObject({ status: 'pending_approval', plugin: 'gatekeeper' });
      expect(await outbox('acme')).toHaveLength(before);
      const approved = await client.callTool({ name: 'gatekeeper__approve', arguments: { approvalId: approval.approvalId } });
      expect(approved.isError, JSON.stringify(approved.content)).toBeFalsy();
      const executed = (approved.structuredContent as { approval: { status: string; result: unknown } }).approval;
      expect(executed.status, JSON.stringify(executed)).toBe('executed');
      expect(await outbox('acme')).toHaveLength(before + 1);
    } finally {
      await client.close();
    }
  });
});

describe('fail closed', () => {
  it('two enabled plugins providing the same contract: NH_CONTRACT_AMBIGUOUS, not a guess; the other contracts still read', async () => {
    await host.storage.service.enablePlugin('other', 'governance');
    await host.storage.service.enablePlugin('other', 'gatekeeper');
    const err = await host.contracts
      .tool((await host.storage.service.resolveWorkspace('other')).id, 'approvals', 'approve')
      .catch((e) => e);
    expect(err.code).toBe('NH_CONTRACT_AMBIGUOUS');
    expect(err.details.plugins).toEqual(['gatekeeper', 'governance']);
    // the contracts read degrades per contract: the ambiguous one reads as none, the others as they are
    const r = await api<Record<string, { plugin: string } | null>>('GET', '/api/workspaces/other/contracts');
    expect(r.status).toBe(200);
    expect(r.body.approvals).toBeNull();
    expect(r.body.policy).toBeNull();
    expect(r.body.consent?.plugin, 'consent, which only governance provides, still reads').toBe('governance');
    await host.storage.service.disablePlugin('other', 'governance');
    await host.storage.service.disablePlugin('other', 'gatekeeper');
  });

  it('a hold by a plugin that provides no approvals is refused (NH_APPROVALS_PROVIDER_MISSING): nothing is sent', async () => {
    await host.storage.service.enablePlugin('other', 'holder');
    const actor = { type: 'user' as const, id: 't', role: 'owner' as const };
    const composed = await host.callTool({
      workspace: 'other',
      tool: 'agent-email:compose',
      input: { name: 'Hi', subject: 'Hi', body: 'Hi there. Reply STOP to unsubscribe.' },
      actor,
    });
    const templateId = (composed as { output: { templateId: string } }).output.templateId;
    const err = await host
      .callTool({ workspace: 'other', tool: 'agent-email:send', input: { templateId, recipients: [{ email: 'x@example.com' }] }, actor })
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'NH_APPROVALS_PROVIDER_MISSING', details: { plugin: 'holder' } });
    expect(await outbox('other')).toEqual([]);
  });
});
