import { describe, expect, it } from 'vitest';
import { callEvent, emailInput, SEND, setup } from './setup.js';

const consentPolicy = {
  requireApproval: { sideEffects: [] },
  consent: {
    sends: [
      { tool: SEND, channel: 'email', recipientPath: '/to' },
      { tool: 'connector-sms-sandbox:send', channel: 'sms', recipientPath: '/message/to' },
    ],
    frequencyCaps: { email: { max: 2, windowHours: 24 } },
  },
};

async function governed() {
  const gov = setup();
  await gov.owner.call('set_policy', { policy: consentPolicy });
  const grant = (contact: string, channel = 'email') =>
    gov.owner.call('record_consent', { contact, channel, status: 'granted', source: 'signup form' });
  const gate = (input: unknown, tool = SEND) => gov.owner.hook('beforeToolCall', callEvent(tool, input));
  const sent = (input: unknown, tool = SEND) => gov.owner.hook('afterToolCall', { ...callEvent(tool, input), status: 'ok' });
  return { ...gov, grant, gate, sent };
}

describe('consent', () => {
  it('denies an e-mail to a contact without consent (NH_GOV_CONSENT_MISSING) and records the decision', async () => {
    const { gate, owner } = await governed();
    const d = await gate(emailInput('Ana@Example.com'));
    expect(d).toEqual({ action: 'deny', code: 'NH_GOV_CONSENT_MISSING', reason: 'no email consent is recorded for ana@example.com' });
    const log = (await owner.call('list_decisions', { decision: 'deny' })) as { decisions: Array<Record<string, unknown>> };
    expect(log.decisions).toHaveLength(1);
    expect(log.decisions[0]).toMatchObject({
      tool: SEND,
      decision: 'deny',
      code: 'NH_GOV_CONSENT_MISSING',
      rule: 'consent.sends[0]',
      actor: { type: 'agent', id: 'agent-email' },
      policyVersion: 1,
      at: '2026-03-02T09:00:00.000Z',
    });
  });

  it('allows a consented contact, and denies every recipient of a list until all consented', async () => {
    const { gate, grant } = await governed();
    await grant('ana@example.com');
    expect(await gate(emailInput('ana@example.com'))).toEqual({ action: 'allow' });
    expect(await gate(emailInput(['ana@example.com', 'bo@example.com']))).toMatchObject({
      action: 'deny',
      code: 'NH_GOV_CONSENT_MISSING',
      reason: expect.stringContaining('bo@example.com'),
    });
    await grant('bo@example.com');
    expect(await gate(emailInput(['ana@example.com', 'bo@example.com']))).toEqual({ action: 'allow' });
  });

  it('honours an opt-out recorded after the consent (NH_GOV_OPTED_OUT); a later consent restores sending', async () => {
    const { gate, grant, member, clock, owner } = await governed();
    await grant('ana@example.com');
    clock.advanceHours(1);
    // anyone may record an opt-out (an unsubscribe link, a support agent)
    await member.call('record_consent', { contact: 'ana@example.com', channel: 'email', status: 'opt_out', source: 'unsubscribe link' });
    expect(await gate(emailInput('ana@example.com'))).toMatchObject({
      action: 'deny',
      code: 'NH_GOV_OPTED_OUT',
      reason: expect.stringContaining('unsubscribe link'),
    });
    // an older consent (imported late) does not override the newer opt-out
    const late = (await owner.call('record_consent', {
      contact: 'ana@example.com',
      channel: 'email',
      status: 'granted',
      source: 'import',
      at: '2026-03-01T00:00:00Z',
    })) as { applied: boolean };
    expect(late.applied).toBe(false);
    expect(await gate(emailInput('ana@example.com'))).toMatchObject({ code: 'NH_GOV_OPTED_OUT' });
    clock.advanceHours(1);
    await grant('ana@example.com');
    expect(await gate(emailInput('ana@example.com'))).toEqual({ action: 'allow' });
    const c = (await owner.call('get_consent', { contact: 'ANA@example.com', channel: 'email', history: true })) as {
      allowed: boolean;
      history: unknown[];
    };
    expect(c.allowed).toBe(true);
    expect(c.history).toHaveLength(4);
  });

  it('granting consent needs an owner or admin', async () => {
    const { member } = await governed();
    await expect(
      member.call('record_consent', { contact: 'ana@example.com', channel: 'email', status: 'granted', source: 'form' }),
    ).rejects.toMatchObject({ code: 'NH_GOV_FORBIDDEN' });
  });

  it('caps sends per contact per channel in a rolling window: the N+1-th send is denied', async () => {
    const { gate, sent, grant, clock, owner } = await governed();
    await grant('ana@example.com');
    for (let i = 0; i < 2; i++) {
      expect(await gate(emailInput('ana@example.com'))).toEqual({ action: 'allow' });
      await sent(emailInput('ana@example.com'));
      clock.advanceHours(1);
    }
    expect(await gate(emailInput('ana@example.com'))).toMatchObject({
      action: 'deny',
      code: 'NH_GOV_FREQUENCY_CAP',
      reason: 'ana@example.com already received 2 email sends in the last 24 h (cap 2)',
    });
    // a failed send does not count; the window rolls (the first send, at 09:00, leaves it at 09:00 the next day)
    await owner.hook('afterToolCall', { ...callEvent(SEND, emailInput('ana@example.com')), status: 'error' });
    clock.advanceHours(22.5);
    expect(await gate(emailInput('ana@example.com'))).toEqual({ action: 'allow' });
  });

  it('reads sms recipients at a nested pointer and normalises phone numbers', async () => {
    const { gate, grant } = await governed();
    const sms = (to: string) => ({ message: { to, body: 'Sale ends tonight' } });
    expect(await gate(sms('(415) 555-0132'), 'connector-sms-sandbox:send')).toMatchObject({
      code: 'NH_GOV_CONSENT_MISSING',
      reason: expect.stringContaining('+14155550132'),
    });
    await grant('+1 415 555 0132', 'sms');
    expect(await gate(sms('(415) 555-0132'), 'connector-sms-sandbox:send')).toEqual({ action: 'allow' });
    expect(await gate({ message: { body: 'no recipient' } }, 'connector-sms-sandbox:send')).toMatchObject({
      code: 'NH_GOV_RECIPIENT_INVALID',
    });
  });
});
