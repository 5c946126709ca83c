import type { Actor, NeonHubError } from '@neonhub/schemas';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Host } from '../../src/host.js';
import { bootHost, lockRoot, makeRoot, removeRoot, repoPlugin } from './helpers.js';

/**
 * governance, data-trust and eco are plugins like any other: loaded from the repository, enabled in
 * a workspace, working only through hooks, tools and their stores. Driven through host.callTool.
 */
let host: Host;
let root: string;
const owner: Actor = { type: 'user', id: 'owner-1', role: 'owner' };
const member: Actor = { type: 'user', id: 'member-1', role: 'member' };
const ids = ['governance', 'data-trust', 'eco', 'connector-email-sandbox', 'agent-content', 'agent-email'];

beforeAll(async () => {
  root = makeRoot(
    'capabilities',
    ids.map((id) => ({ from: repoPlugin(id), link: true })),
  );
  await lockRoot(root);
  host = await bootHost(root);
  await host.storage.service.createWorkspace({ slug: 'acme' });
  for (const id of ids) await host.storage.service.enablePlugin('acme', id);
}, 120_000);

afterAll(async () => {
  await host?.close();
  removeRoot(root);
});

const call = (tool: string, input: unknown, actor = owner) => host.callTool({ workspace: 'acme', tool, input, actor });
const ok = async <T>(tool: string, input: unknown, actor = owner): Promise<T> => {
  const r = await call(tool, input, actor);
  if (r.status !== 'ok') throw new Error(`${tool} is ${r.status}`);
  return r.output as T;
};
const denial = async (p: Promise<unknown>) => {
  const err = (await p.then(() => undefined).catch((e) => e)) as NeonHubError | undefined;
  return { code: err?.code, planCode: (err?.details as { code?: string } | undefined)?.code, message: err?.message };
};
const outbox = () => ok<{ messages: unknown[] }>('connector-email-sandbox:outbox', {}).then((o) => o.messages);
const send = { to: 'ada@example.com', subject: 'Spring sale', text: 'Our spring sale starts today. Unsubscribe any time.' };

describe('capabilities as plugins, through the host pipeline', () => {
  it('an external side effect never runs without an approval; after approval it runs exactly once', async () => {
    const pending = await call('connector-email-sandbox:send', send);
    expect(pending.status).toBe('pending_approval');
    if (pending.status !== 'pending_approval') return;
    expect(pending.plugin).toBe('governance');
    expect(await outbox()).toHaveLength(0);

    // a member may not approve
    expect((await denial(call('governance:approve', { approvalId: pending.approvalId }, member))).code).toBe('NH_GOV_FORBIDDEN');
    expect(await outbox()).toHaveLength(0);

    const approved = await ok<{ approval: { status: string } }>('governance:approve', { approvalId: pending.approvalId });
    expect(approved.approval.status).toBe('executed');
    expect(await outbox()).toHaveLength(1);

    // neither a second approval nor a replay of the approved call sends again
    await denial(call('governance:approve', { approvalId: pending.approvalId }));
    const replay = await denial(
      host.callTool({
        workspace: 'acme',
        tool: 'connector-email-sandbox:send',
        input: send,
        actor: owner,
        approvalId: pending.approvalId!,
      }),
    );
    expect(replay.code).toBe('NH_TOOL_DENIED');
    expect(await outbox()).toHaveLength(1);
  });

  it("approving an agent's external action covers the connector call it makes: one approval, one send", async () => {
    const template = await ok<{ templateId: string }>('agent-email:compose', {
      subject: 'Spring sale',
      body: 'Hi {{first_name | there}}, our sale starts today. Unsubscribe any time.',
    });
    const input = { templateId: template.templateId, recipients: [{ email: 'dan@example.com', fields: { first_name: 'Dan' } }] };
    const pending = await call('agent-email:send', input);
    expect(pending.status).toBe('pending_approval');
    if (pending.status !== 'pending_approval') return;
    const before = (await outbox()).length;
    const approved = await ok<{ approval: { status: string; result?: unknown } }>('governance:approve', { approvalId: pending.approvalId });
    expect(approved.approval.status).toBe('executed');
    expect(JSON.stringify(approved.approval)).toContain('"status":"sent"');
    expect((await outbox()).length).toBe(before + 1);
  });

  it('an e-mail to a contact without consent is denied with its reason; an opted-out contact likewise', async () => {
    await ok('governance:set_policy', {
      policy: { consent: { sends: [{ tool: 'connector-email-sandbox:send', channel: 'email', recipientPath: '/to' }] } },
      note: 'consent for e-mail',
    });
    const none = await denial(call('connector-email-sandbox:send', { ...send, to: 'bob@example.com' }));
    expect(none).toMatchObject({ code: 'NH_TOOL_DENIED', planCode: 'NH_GOV_CONSENT_MISSING' });
    expect(none.message).toContain('bob@example.com');

    await ok('governance:record_consent', { contact: 'carol@example.com', channel: 'email', status: 'granted', source: 'signup form' });
    expect((await call('connector-email-sandbox:send', { ...send, to: 'carol@example.com' })).status).toBe('pending_approval');
    await ok(
      'governance:record_consent',
      { contact: 'carol@example.com', channel: 'email', status: 'opt_out', source: 'unsubscribe link' },
      member,
    );
    expect(await denial(call('connector-email-sandbox:send', { ...send, to: 'carol@example.com' }))).toMatchObject({
      planCode: 'NH_GOV_OPTED_OUT',
    });
  });

  it('a budget cap stops calls before they run once the day has reached it', async () => {
    // reads and the audit stay available when the budget is spent
    await ok('governance:set_policy', {
      policy: { budget: { tokensPerDay: 50, exemptTools: ['agent-content:list_drafts', 'data-trust:*', 'eco:*'] } },
      note: 'tight budget',
    });
    const first = await ok<{ draft: { body?: string; text?: string } }>('agent-content:draft', {
      kind: 'social',
      topic: 'our spring sale on trail shoes',
    });
    expect(JSON.stringify(first)).toContain('[offline model]');
    const stopped = await denial(call('agent-content:draft', { kind: 'social', topic: 'our spring sale on trail shoes' }));
    expect(stopped).toMatchObject({ code: 'NH_TOOL_DENIED', planCode: 'NH_GOV_BUDGET_EXCEEDED' });
    const drafts = await ok<{ drafts: unknown[] }>('agent-content:list_drafts', {});
    expect(drafts.drafts).toHaveLength(1); // the stopped call never ran
  });

  it('data-trust has a verifiable audit entry for every call; eco accounted for them', async () => {
    const v = await ok<{ ok: boolean; count: number }>('data-trust:verify', {});
    expect(v.ok).toBe(true);
    expect(v.count).toBeGreaterThanOrEqual(10);
    const usage = await ok<{ totals: { calls: number; tokens?: unknown } }>('eco:usage_summary', {});
    expect(usage.totals.calls).toBeGreaterThan(0);
  });
});
