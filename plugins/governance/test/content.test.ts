import { describe, expect, it } from 'vitest';
import { callEvent, emailInput, SEND, setup } from './setup.js';

const SOCIAL = 'connector-social-sandbox:post';

async function governed() {
  const gov = setup();
  await gov.owner.call('set_policy', {
    policy: {
      requireApproval: { sideEffects: [] },
      contentTools: ['agent-content:draft_*'],
      content: {
        bannedPhrases: ['guaranteed results', 'miracle'],
        disclosures: [
          { tools: ['connector-email-*:send'], text: 'Unsubscribe' },
          { tools: [SOCIAL], text: '#ad', when: { path: '/sponsored', equals: true } },
        ],
        pii: { email: 'deny', phone: 'deny', card: 'deny' },
        ignorePaths: ['/from'],
      },
      consent: { sends: [{ tool: SEND, channel: 'email', recipientPath: '/to' }] },
    },
  });
  await gov.owner.call('record_consent', { contact: 'ana@example.com', channel: 'email', status: 'granted', source: 'signup form' });
  const gate = (tool: string, input: unknown, sideEffect: 'external' | 'none' = 'external') =>
    gov.owner.hook('beforeToolCall', callEvent(tool, input, { sideEffect }));
  return { ...gov, gate };
}

describe('content rules through beforeToolCall', () => {
  it('allows clean content; the recipient and ignored paths are not content', async () => {
    const { gate } = await governed();
    expect(await gate(SEND, { ...emailInput('ana@example.com'), from: 'news@acme.test' })).toEqual({ action: 'allow' });
  });

  it('denies a banned phrase (NH_GOV_CONTENT_BANNED), nested anywhere in the input', async () => {
    const { gate } = await governed();
    const input = { ...emailInput('ana@example.com'), blocks: [{ html: '<p>A MIRACLE cream. Unsubscribe</p>' }] };
    expect(await gate(SEND, input)).toEqual({
      action: 'deny',
      code: 'NH_GOV_CONTENT_BANNED',
      reason: 'content contains the banned phrase "miracle"',
    });
  });

  it('denies a missing disclosure (NH_GOV_DISCLOSURE_MISSING): "Unsubscribe" on e-mail, "#ad" only on sponsored posts', async () => {
    const { gate } = await governed();
    expect(await gate(SEND, emailInput('ana@example.com', 'Spring sale!'))).toMatchObject({
      action: 'deny',
      code: 'NH_GOV_DISCLOSURE_MISSING',
      reason: expect.stringContaining('"Unsubscribe"'),
    });
    expect(await gate(SOCIAL, { text: 'New trail shoes are in', sponsored: true })).toMatchObject({
      code: 'NH_GOV_DISCLOSURE_MISSING',
      reason: expect.stringContaining('#ad'),
    });
    expect(await gate(SOCIAL, { text: 'New trail shoes are in #ad', sponsored: true })).toEqual({ action: 'allow' });
    expect(await gate(SOCIAL, { text: 'New trail shoes are in', sponsored: false })).toEqual({ action: 'allow' });
  });

  it('denies PII by kind (NH_GOV_PII): e-mail, phone, Luhn-valid card; a Luhn-invalid 16-digit number passes', async () => {
    const { gate } = await governed();
    const post = (text: string) => gate(SOCIAL, { text });
    expect(await post('DM jane.doe@example.org for a discount')).toMatchObject({
      code: 'NH_GOV_PII',
      reason: expect.stringContaining('e-mail address'),
    });
    expect(await post('Call us at (415) 555-0132')).toMatchObject({ code: 'NH_GOV_PII', reason: expect.stringContaining('phone number') });
    expect(await post('Test card 4111 1111 1111 1111 works')).toMatchObject({
      code: 'NH_GOV_PII',
      reason: 'content contains a payment card number (…1111)',
    });
    expect(await post('Tracking number 4111 1111 1111 1112')).toEqual({ action: 'allow' });
  });

  it('PII modes are per kind: allow lets that kind through', async () => {
    const { gate, owner } = await governed();
    await owner.call('set_policy', {
      policy: { requireApproval: { sideEffects: [] }, content: { pii: { email: 'allow', phone: 'allow', card: 'deny' } } },
    });
    expect(await gate(SOCIAL, { text: 'Mail hi@acme.test or call (415) 555-0132' })).toEqual({ action: 'allow' });
    expect(await gate(SOCIAL, { text: '5555 5555 5555 4444' })).toMatchObject({ code: 'NH_GOV_PII' });
  });

  it('checks contentTools even without an external side effect, and skips other internal tools', async () => {
    const { gate } = await governed();
    expect(await gate('agent-content:draft_email', { body: 'guaranteed results!' }, 'none')).toMatchObject({
      code: 'NH_GOV_CONTENT_BANNED',
    });
    expect(await gate('agent-seo:analyze_page', { text: 'guaranteed results!' }, 'none')).toEqual({ action: 'allow' });
  });

  it('the deny list comes first: a denied plugin is refused whatever its content', async () => {
    const { gate, owner } = await governed();
    await owner.call('set_policy', { policy: { deny: ['agent-seo:analyze_page', 'connector-social-sandbox:*'] } });
    expect(await gate(SOCIAL, { text: 'miracle' })).toEqual({
      action: 'deny',
      code: 'NH_GOV_POLICY_DENY',
      reason: 'the workspace policy denies connector-social-sandbox:post (rule deny[1]: "connector-social-sandbox:*")',
    });
  });
});
