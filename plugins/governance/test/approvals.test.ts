import type { CallToolOptions, HookDecision } from '@neonhub/sdk';
import { describe, expect, it, vi } from 'vitest';
import { callEvent, SEND, setup } from './setup.js';

const input = { to: 'ana@example.com', subject: 'Hello', text: 'Our spring sale starts Monday.' };

/**
 * Governance plus a stand-in for the host: `callTool` runs the governance beforeToolCall hook the way the
 * pipeline does and, when it allows, "executes" the tool (counted in `executed`).
 */
function withHost() {
  const executed: Array<{ tool: string; input: unknown; options?: CallToolOptions }> = [];
  const decisions: HookDecision[] = [];
  let gov: ReturnType<typeof setup>;
  const callTool = vi.fn(async (tool: string, toolInput: unknown, options?: CallToolOptions) => {
    const decision = (await gov.owner.hook('beforeToolCall', {
      ...callEvent(tool, toolInput),
      ...(options?.approvalId ? { approvalId: options.approvalId } : {}),
      ...(options?.idempotencyKey ? { idempotencyKey: options.idempotencyKey } : {}),
    })) ?? { action: 'allow' as const };
    decisions.push(decision);
    if (decision.action === 'deny') throw Object.assign(new Error(decision.reason), { name: 'NeonHubError', code: 'NH_TOOL_DENIED' });
    if (decision.action === 'approval') return { pendingApproval: { approvalId: decision.approvalId, reason: decision.reason } };
    executed.push({ tool, input: toolInput, ...(options ? { options } : {}) });
    return { messageId: `msg-${executed.length}`, status: 'sandboxed' };
  });
  gov = setup({ callTool });
  return { ...gov, callTool, executed, decisions };
}

describe('approvals', () => {
  it('an external call never runs without approval; approve executes it exactly once with the approval id and the original key', async () => {
    const { owner, callTool, executed, decisions } = withHost();
    const first = await owner.hook('beforeToolCall', callEvent(SEND, input, { idempotencyKey: 'campaign-42/send-1' }));
    expect(first).toMatchObject({ action: 'approval', reason: expect.stringContaining('external side effects') });
    const approvalId = (first as { approvalId: string }).approvalId;
    expect(executed).toHaveLength(0);

    const pending = (await owner.call('get_approval', { approvalId })) as Record<string, unknown>;
    expect(pending).toMatchObject({ status: 'pending', tool: SEND, input, sideEffect: 'external', idempotencyKey: 'campaign-42/send-1' });
    expect(Date.parse(pending.expiresAt as string) - Date.parse(pending.createdAt as string)).toBe(72 * 3_600_000);

    const res = (await owner.call('approve', { approvalId, note: 'copy checked' })) as { approval: Record<string, unknown> };
    expect(callTool).toHaveBeenCalledTimes(1);
    expect(callTool).toHaveBeenCalledWith(SEND, input, { approvalId, idempotencyKey: 'campaign-42/send-1' });
    expect(decisions).toEqual([{ action: 'allow' }]);
    expect(executed).toHaveLength(1);
    expect(res.approval).toMatchObject({
      status: 'executed',
      decidedBy: { id: 'olivia' },
      note: 'copy checked',
      result: { messageId: 'msg-1', status: 'sandboxed' },
      error: null,
      consumedAt: expect.any(String),
    });
  });

  it('a second execution with the same approval id is denied ("approval already used")', async () => {
    const { owner } = withHost();
    const first = (await owner.hook('beforeToolCall', callEvent(SEND, input))) as { approvalId: string };
    await owner.call('approve', { approvalId: first.approvalId });
    const replay = await owner.hook('beforeToolCall', callEvent(SEND, input, { approvalId: first.approvalId }));
    expect(replay).toMatchObject({
      action: 'deny',
      code: 'NH_GOV_APPROVAL_USED',
      reason: expect.stringContaining('approval already used'),
    });
  });

  it('two concurrent approve calls execute the tool once; the loser gets NH_GOV_APPROVAL_NOT_PENDING', async () => {
    const { owner, harnessFor, executed, callTool } = withHost();
    const first = (await owner.hook('beforeToolCall', callEvent(SEND, input))) as { approvalId: string };
    const admin = harnessFor({ type: 'user', id: 'adam', role: 'admin' });
    const results = await Promise.allSettled([
      owner.call('approve', { approvalId: first.approvalId }),
      admin.call('approve', { approvalId: first.approvalId }),
    ]);
    expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
    const lost = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
    expect(lost.reason).toMatchObject({ code: 'NH_GOV_APPROVAL_NOT_PENDING' });
    expect(callTool).toHaveBeenCalledTimes(1);
    expect(executed).toHaveLength(1);
  });

  it('an approval executes only the same tool with the same input, compared as RFC 8785 canonical JSON', async () => {
    const gov = setup({
      // This host re-orders the input's keys before the hook sees it: canonical JSON makes that the same input.
      callTool: async (tool, toolInput, options) => {
        const reordered = Object.fromEntries(Object.entries(toolInput as Record<string, unknown>).reverse());
        const d = await gov.owner.hook('beforeToolCall', callEvent(tool, reordered, { approvalId: options?.approvalId }));
        if (d?.action === 'deny') throw Object.assign(new Error(d.reason), { name: 'NeonHubError', code: d.code });
        return { ok: true };
      },
    });
    const first = (await gov.owner.hook('beforeToolCall', callEvent(SEND, { subject: 'Hi', to: 'ana@example.com', n: 1.0 }))) as {
      approvalId: string;
    };
    const done = (await gov.owner.call('approve', { approvalId: first.approvalId })) as { approval: { status: string } };
    expect(done.approval.status).toBe('executed');

    const other = await gov.owner.hook(
      'beforeToolCall',
      callEvent('connector-social-sandbox:post', { subject: 'Hi', to: 'ana@example.com', n: 1 }, { approvalId: first.approvalId }),
    );
    expect(other).toMatchObject({ action: 'deny', code: 'NH_GOV_APPROVAL_MISMATCH' });
    const changed = await gov.owner.hook(
      'beforeToolCall',
      callEvent(SEND, { subject: 'Hi!', to: 'ana@example.com', n: 1 }, { approvalId: first.approvalId }),
    );
    expect(changed).toMatchObject({ action: 'deny', code: 'NH_GOV_APPROVAL_MISMATCH' });
    const unknown = await gov.owner.hook('beforeToolCall', callEvent(SEND, {}, { approvalId: 'no-such-approval' }));
    expect(unknown).toMatchObject({ action: 'deny', code: 'NH_GOV_APPROVAL_NOT_FOUND' });
  });

  it('a pending approval cannot be executed; a retry of the same call reuses its approval', async () => {
    const { owner, store } = withHost();
    const a = (await owner.hook('beforeToolCall', callEvent(SEND, input, { idempotencyKey: 'k1' }))) as { approvalId: string };
    const retry = (await owner.hook('beforeToolCall', callEvent(SEND, input, { idempotencyKey: 'k1' }))) as { approvalId: string };
    expect(retry.approvalId).toBe(a.approvalId);
    expect(await store.count('approvals')).toBe(1);
    const early = await owner.hook('beforeToolCall', callEvent(SEND, input, { approvalId: a.approvalId }));
    expect(early).toMatchObject({ action: 'deny', code: 'NH_GOV_APPROVAL_NOT_APPROVED' });
  });

  it('reject keeps the call from running, and a retry of it is denied with the rejection reason', async () => {
    const { owner, callTool } = withHost();
    const a = (await owner.hook('beforeToolCall', callEvent(SEND, input, { idempotencyKey: 'k2' }))) as { approvalId: string };
    const res = (await owner.call('reject', { approvalId: a.approvalId, reason: 'wrong audience' })) as {
      approval: Record<string, unknown>;
    };
    expect(res.approval).toMatchObject({ status: 'rejected', note: 'wrong audience', decidedBy: { id: 'olivia' } });
    expect(callTool).not.toHaveBeenCalled();
    const retry = await owner.hook('beforeToolCall', callEvent(SEND, input, { idempotencyKey: 'k2' }));
    expect(retry).toMatchObject({ action: 'deny', code: 'NH_GOV_APPROVAL_REJECTED', reason: expect.stringContaining('wrong audience') });
    await expect(owner.call('approve', { approvalId: a.approvalId })).rejects.toMatchObject({ code: 'NH_GOV_APPROVAL_NOT_PENDING' });
  });

  it('only owners, admins and the system actor decide; members and agents (whatever their role) get NH_GOV_FORBIDDEN', async () => {
    const { owner, member, agent, harnessFor, callTool } = withHost();
    const a = (await owner.hook('beforeToolCall', callEvent(SEND, input))) as { approvalId: string };
    await expect(member.call('approve', { approvalId: a.approvalId })).rejects.toMatchObject({ code: 'NH_GOV_FORBIDDEN' });
    await expect(agent.call('approve', { approvalId: a.approvalId })).rejects.toMatchObject({ code: 'NH_GOV_FORBIDDEN' });
    await expect(member.call('reject', { approvalId: a.approvalId, reason: 'no' })).rejects.toMatchObject({ code: 'NH_GOV_FORBIDDEN' });
    expect(callTool).not.toHaveBeenCalled();
    const system = harnessFor({ type: 'system', id: 'cli' });
    await expect(system.call('approve', { approvalId: a.approvalId })).resolves.toMatchObject({ approval: { status: 'executed' } });
    await expect(owner.call('approve', { approvalId: 'missing' })).rejects.toMatchObject({ code: 'NH_GOV_APPROVAL_NOT_FOUND' });
  });

  it('a pending approval expires after 72 h: read as expired (get_approval writes nothing), approve refused, expire_approvals writes it', async () => {
    const { owner, clock, callTool } = withHost();
    const a = (await owner.hook('beforeToolCall', callEvent(SEND, input, { idempotencyKey: 'k3' }))) as { approvalId: string };
    const b = (await owner.hook('beforeToolCall', callEvent(SEND, { ...input, to: 'bo@example.com' }))) as { approvalId: string };
    clock.advanceHours(71);
    expect(await owner.call('list_approvals', { status: 'pending' })).toMatchObject({
      approvals: [{ id: a.approvalId }, { id: b.approvalId }],
    });
    clock.advanceHours(1);
    expect(await owner.call('list_approvals', { status: 'pending' })).toMatchObject({ approvals: [] });
    expect(await owner.call('get_approval', { approvalId: a.approvalId })).toMatchObject({ status: 'expired' });
    await expect(owner.call('approve', { approvalId: b.approvalId })).rejects.toMatchObject({ code: 'NH_GOV_APPROVAL_EXPIRED' });
    expect(callTool).not.toHaveBeenCalled();
    // the refused approve wrote b as expired; get_approval, a read, left a to expire_approvals
    expect(await owner.call('expire_approvals', {})).toEqual({ expired: [a.approvalId] });
    // a retry of the expired call opens a new request
    const again = (await owner.hook('beforeToolCall', callEvent(SEND, input, { idempotencyKey: 'k3' }))) as { approvalId: string };
    expect(again.approvalId).not.toBe(a.approvalId);
    clock.advanceHours(73);
    expect(await owner.call('expire_approvals', {})).toEqual({ expired: [again.approvalId] });
    expect(await owner.call('list_approvals', { status: 'expired' })).toMatchObject({
      approvals: [{ id: a.approvalId }, { id: b.approvalId }, { id: again.approvalId }],
    });
  });

  it('the hard rules run again at execution: an opt-out recorded after the request leaves the approval failed, the tool unrun', async () => {
    const { owner, member, executed } = withHost();
    await owner.call('set_policy', { policy: { consent: { sends: [{ tool: SEND, channel: 'email', recipientPath: '/to' }] } } });
    await owner.call('record_consent', { contact: 'ana@example.com', channel: 'email', status: 'granted', source: 'signup form' });
    const a = (await owner.hook('beforeToolCall', callEvent(SEND, input))) as { approvalId: string };
    await member.call('record_consent', { contact: 'ana@example.com', channel: 'email', status: 'opt_out', source: 'unsubscribe link' });
    const res = (await owner.call('approve', { approvalId: a.approvalId })) as { approval: Record<string, unknown> };
    expect(res.approval).toMatchObject({
      status: 'failed',
      consumedAt: null,
      error: { code: 'NH_TOOL_DENIED', message: expect.stringContaining('opted out') },
    });
    expect(executed).toHaveLength(0);
  });

  it('requireApproval by tool pattern, and exceptTools, follow the policy', async () => {
    const { owner } = withHost();
    await owner.call('set_policy', {
      policy: { requireApproval: { tools: ['agent-content:publish_*'], exceptTools: ['connector-social-sandbox:*'] } },
    });
    expect(await owner.hook('beforeToolCall', callEvent('agent-content:publish_post', {}, { sideEffect: 'write' }))).toMatchObject({
      action: 'approval',
      reason: expect.stringContaining('agent-content:publish_*'),
    });
    expect(await owner.hook('beforeToolCall', callEvent('connector-social-sandbox:post', { text: 'hi' }))).toEqual({ action: 'allow' });
    expect(await owner.hook('beforeToolCall', callEvent('agent-seo:analyze_page', { text: 'hi' }, { sideEffect: 'none' }))).toEqual({
      action: 'allow',
    });
  });
});
