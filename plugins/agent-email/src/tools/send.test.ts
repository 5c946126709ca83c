import { sdkErrors } from '@neonhub/sdk';
import { createHarness } from '@neonhub/sdk/testing';
import { describe, expect, it } from 'vitest';
import plugin from '../index.js';
import { compose } from './compose.js';
import { listSchedules } from './list-schedules.js';
import { schedule } from './schedule.js';
import { send } from './send.js';

interface SentCall {
  tool: string;
  input: { to: string; subject: string; text?: string; html?: string };
  key: string | undefined;
}

/** A stand-in connector that remembers keys the way the real one does. */
function fakeConnector(respond?: (call: SentCall) => unknown) {
  const calls: SentCall[] = [];
  const byKey = new Map<string, string>();
  const reads: string[] = [];
  return {
    calls,
    reads,
    callTool: async (tool: string, input: unknown, options?: { idempotencyKey?: string }) => {
      if (tool === 'connector-email-sandbox:outbox') {
        const key = (input as { idempotencyKey: string }).idempotencyKey;
        reads.push(key);
        const id = byKey.get(key);
        return { messages: id ? [{ messageId: id }] : [] };
      }
      const call = { tool, input: input as SentCall['input'], key: options?.idempotencyKey };
      calls.push(call);
      const custom = respond?.(call);
      if (custom instanceof Error) throw custom;
      if (custom !== undefined) return custom;
      const key = call.key ?? 'none';
      const existing = byKey.get(key);
      if (existing) return { messageId: existing, duplicate: true };
      byKey.set(key, `m-${byKey.size + 1}`);
      return { messageId: `m-${byKey.size}`, duplicate: false };
    },
  };
}

const recipients = [
  { email: 'ada@example.com', fields: { first_name: 'Ada' } },
  { email: 'bob@example.com' },
  { email: 'cy@example.com', fields: { first_name: 'Cy' }, consent: false },
];

describe('send', () => {
  it('sends each recipient their own message through the connector, skipping missing fields and refused consent', async () => {
    const c = fakeConnector();
    const h = createHarness(plugin, { callTool: c.callTool });
    const { templateId } = await h.run(compose, { subject: 'For {{first_name}}', body: 'Hi {{first_name}}' });
    const r = await h.run(send, { templateId, recipients }, { idempotencyKey: 'call-1' });
    expect(c.calls).toEqual([
      {
        tool: 'connector-email-sandbox:send',
        input: { to: 'ada@example.com', subject: 'For Ada', text: 'Hi Ada', tags: { template: templateId } },
        key: 'call-1/ada@example.com',
      },
    ]);
    expect(r.status).toBe('partial');
    expect(r.results).toEqual([
      { email: 'ada@example.com', status: 'sent', messageId: 'm-1' },
      { email: 'bob@example.com', status: 'skipped_missing_fields', missingFields: ['first_name'] },
      { email: 'cy@example.com', status: 'skipped_no_consent' },
    ]);
    expect(r.counts).toEqual({ sent: 1, skipped_missing_fields: 1, skipped_no_consent: 1 });
  });

  it('with allowMissing sends the field empty; html bodies go as html', async () => {
    const c = fakeConnector();
    const h = createHarness(plugin, { callTool: c.callTool });
    const { templateId } = await h.run(compose, { subject: 'News', body: '<p>Hi {{first_name}}</p>', format: 'html' });
    await h.run(send, { templateId, recipients: [{ email: 'bob@example.com' }], allowMissing: true });
    expect(c.calls[0]?.input).toMatchObject({ html: '<p>Hi </p>' });
    expect(c.calls[0]?.input.text).toBeUndefined();
  });

  it('reports approval holds and denials per recipient', async () => {
    const c = fakeConnector((call) =>
      call.input.to.startsWith('ada')
        ? { pendingApproval: { approvalId: 'ap-1', reason: 'external send needs approval' } }
        : sdkErrors.create('NH_SDK_CALL_UNSUPPORTED', 'stand-in for a denial'),
    );
    const h = createHarness(plugin, { callTool: c.callTool });
    const { templateId } = await h.run(compose, { subject: 'Hi', body: 'Hello' });
    const r = await h.run(send, { templateId, recipients: [{ email: 'ada@example.com' }, { email: 'bob@example.com' }] });
    expect(r.results[0]).toEqual({ email: 'ada@example.com', status: 'pending_approval', approvalId: 'ap-1' });
    expect(r.results[1]).toMatchObject({ email: 'bob@example.com', status: 'failed', error: { code: 'NH_SDK_CALL_UNSUPPORTED' } });
    expect(r.status).toBe('partial');
  });

  it('a schedule sends once per recipient whatever call sends it, and is marked sent', async () => {
    const c = fakeConnector();
    const h = createHarness(plugin, { callTool: c.callTool });
    const { templateId } = await h.run(compose, { subject: 'Hi', body: 'Hello {{first_name | there}}' });
    const s = await h.run(schedule, {
      templateId,
      sendAt: '2099-01-01T00:00:00Z',
      recipients: [{ email: 'a@example.com' }, { email: 'b@example.com' }],
    });
    const first = await h.run(send, { scheduleId: s.scheduleId }, { idempotencyKey: 'k1' });
    expect(first.status).toBe('sent');
    expect(c.calls.map((x) => x.key)).toEqual([`${s.scheduleId}/a@example.com`, `${s.scheduleId}/b@example.com`]);
    const retry = await h.run(send, { scheduleId: s.scheduleId }, { idempotencyKey: 'k1' });
    expect(retry.counts).toEqual({ duplicate: 2 });
    // The retry looked each recipient up in the outbox instead of sending again.
    expect(c.reads).toEqual([`${s.scheduleId}/a@example.com`, `${s.scheduleId}/b@example.com`]);
    expect(c.calls).toHaveLength(2);
    await expect(h.run(send, { scheduleId: s.scheduleId }, { idempotencyKey: 'k2' })).rejects.toMatchObject({
      code: 'NH_EMAIL_ALREADY_SENT',
    });
    const [listed] = (await h.run(listSchedules, {})).schedules;
    expect(listed).toMatchObject({ status: 'sent' });
    expect(listed?.sentAt).toBeDefined();
  });

  it('needs scheduleId or templateId with recipients', async () => {
    const h = createHarness(plugin, { callTool: fakeConnector().callTool });
    await expect(h.run(send, {})).rejects.toMatchObject({ code: 'NH_SDK_INPUT_INVALID' });
    await expect(h.run(send, { templateId: 'tpl_x' })).rejects.toMatchObject({ code: 'NH_SDK_INPUT_INVALID' });
    await expect(h.run(send, { scheduleId: 's', templateId: 't', recipients: [{ email: 'a@example.com' }] })).rejects.toMatchObject({
      code: 'NH_SDK_INPUT_INVALID',
    });
  });
});

describe('resuming a partial schedule', () => {
  it('finds messages an approver sent meanwhile in the outbox and sends only the rest', async () => {
    let hold = true;
    const c = fakeConnector((call) =>
      hold && call.input.to === 'a@example.com' ? { pendingApproval: { approvalId: 'ap-1', reason: 'approval' } } : undefined,
    );
    const h = createHarness(plugin, { callTool: c.callTool });
    const { templateId } = await h.run(compose, { subject: 'Hi', body: 'Hello' });
    const s = await h.run(schedule, {
      templateId,
      sendAt: '2099-01-01T00:00:00Z',
      recipients: [{ email: 'a@example.com' }, { email: 'b@example.com' }],
    });
    const first = await h.run(send, { scheduleId: s.scheduleId });
    expect(first.results.map((r) => r.status)).toEqual(['pending_approval', 'sent']);
    expect(first.status).toBe('partial');
    // The approver executes the held call with its original key (what governance:approve does).
    hold = false;
    await c.callTool(
      'connector-email-sandbox:send',
      { to: 'a@example.com', subject: 'Hi', text: 'Hello' },
      { idempotencyKey: `${s.scheduleId}/a@example.com` },
    );
    const sendsBefore = c.calls.length;
    const resumed = await h.run(send, { scheduleId: s.scheduleId });
    expect(resumed.results.map((r) => r.status)).toEqual(['duplicate', 'duplicate']);
    expect(resumed.status).toBe('sent');
    expect(c.calls.length).toBe(sendsBefore);
  });
});
