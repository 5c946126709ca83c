import { createMemoryStore, type ToolCallEvent } from '@neonhub/sdk';
import { describe, expect, it } from 'vitest';
import { consumeApproval, decideApproval, inputHash, recordExecution, reopenApproved, requestApproval } from './approvals.js';

const now = new Date('2026-03-02T09:00:00.000Z');
const event = (extra: Partial<ToolCallEvent> = {}): ToolCallEvent => ({
  callId: 'call-1',
  workspace: { id: 'w', slug: 'w' },
  actor: { type: 'agent', id: 'agent-email' },
  plugin: 'connector-email-sandbox',
  tool: 'connector-email-sandbox:send',
  sideEffect: 'external',
  input: { to: 'ana@example.com', text: 'hello' },
  idempotencyKey: 'key-1',
  ...extra,
});
const opts = { rule: 'requireApproval.sideEffects', reason: 'external', ttlHours: 72, policyVersion: 0, now };

describe('approval records', () => {
  it('hashes RFC 8785 canonical JSON: key order and number spelling do not matter, values do', () => {
    expect(inputHash({ a: 1, b: [1, 'x'] })).toBe(inputHash(JSON.parse('{"b":[1.0,"x"],"a":1e0}')));
    expect(inputHash({ a: 1 })).not.toBe(inputHash({ a: 2 }));
    expect(inputHash(undefined)).toBe(inputHash(null));
  });

  it('two calls racing to execute one approval: exactly one consumes it', async () => {
    const store = createMemoryStore();
    const req = await requestApproval(store, event(), opts);
    if (req.kind !== 'approval') throw new Error('expected an approval');
    await decideApproval(store, req.approval.id, { status: 'approved', by: { type: 'system', id: 'cli' }, note: null, now });
    const results = await Promise.all([
      consumeApproval(store, req.approval.id, event({ callId: 'a', approvalId: req.approval.id }), now),
      consumeApproval(store, req.approval.id, event({ callId: 'b', approvalId: req.approval.id }), now),
    ]);
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    expect(results.find((r) => !r.ok)).toMatchObject({ code: 'NH_GOV_APPROVAL_USED' });
  });

  it('concurrent retries of one call open a single approval', async () => {
    const store = createMemoryStore();
    const [a, b] = await Promise.all([requestApproval(store, event(), opts), requestApproval(store, event({ callId: 'call-2' }), opts)]);
    expect(a.approval.id).toBe(b.approval.id);
    expect(await store.count('approvals')).toBe(1);
  });

  it('an approved call past expiresAt can no longer be executed', async () => {
    const store = createMemoryStore();
    const req = await requestApproval(store, event(), { ...opts, ttlHours: 1 });
    await decideApproval(store, req.approval.id, { status: 'approved', by: { type: 'system', id: 'cli' }, note: null, now });
    const later = new Date(now.getTime() + 3_600_000);
    expect(await consumeApproval(store, req.approval.id, event({ approvalId: req.approval.id }), later)).toMatchObject({
      ok: false,
      code: 'NH_GOV_APPROVAL_EXPIRED',
    });
  });

  it('an approved call whose outcome was never recorded (a crash) is reopened for one more use; an executed one is not', async () => {
    const store = createMemoryStore();
    const req = await requestApproval(store, event(), opts);
    await decideApproval(store, req.approval.id, { status: 'approved', by: { type: 'system', id: 'cli' }, note: null, now });
    expect(await consumeApproval(store, req.approval.id, event({ callId: 'a', approvalId: req.approval.id }), now)).toMatchObject({
      ok: true,
    });
    // the process died here: the call may have gone out, its outcome is not recorded
    const reopened = await reopenApproved(store, req.approval.id);
    expect(reopened).toMatchObject({ status: 'approved', consumedAt: null, idempotencyKey: 'key-1' });
    expect(await consumeApproval(store, req.approval.id, event({ callId: 'b', approvalId: req.approval.id }), now)).toMatchObject({
      ok: true,
    });
    await recordExecution(store, req.approval.id, { result: { sent: true } }, now);
    // a late resume that lost the race cannot turn the executed approval into a failed one
    const late = await recordExecution(store, req.approval.id, { error: { code: 'NH_TOOL_DENIED', message: 'used' } }, now);
    expect(late).toMatchObject({ status: 'executed', result: { sent: true }, error: null });
    await expect(reopenApproved(store, req.approval.id)).rejects.toMatchObject({ code: 'NH_GOV_APPROVAL_NOT_PENDING' });
    expect(await consumeApproval(store, req.approval.id, event({ callId: 'c', approvalId: req.approval.id }), now)).toMatchObject({
      ok: false,
      code: 'NH_GOV_APPROVAL_USED',
    });
  });
});
