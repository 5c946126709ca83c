import { createHarness } from '@neonhub/sdk/testing';
import { describe, expect, it } from 'vitest';
import plugin from '../index.js';
import { escalation } from './escalation.js';

describe('escalation', () => {
  it('default rules: urgent -> on-call; negative + VIP -> account-manager; otherwise none', async () => {
    const h = createHarness(plugin);
    const outage = await h.run(escalation, { text: 'Everything is down, this is terrible and unacceptable!' });
    expect(outage).toMatchObject({
      escalate: true,
      route: 'on-call',
      matched: [{ rule: 'urgent ticket', route: 'on-call' }],
      rulesSource: 'default',
    });
    const unhappyVip = await h.run(escalation, { text: 'I am disappointed with the slow reports.', customer: { vip: true } });
    expect(unhappyVip).toMatchObject({ escalate: true, route: 'account-manager', sentiment: 'negative', priority: 'normal' });
    const unhappyRegular = await h.run(escalation, { text: 'I am disappointed with the slow reports.' });
    expect(unhappyRegular).toMatchObject({ escalate: false, route: null, matched: [] });
  });

  it('uses the rules from config, in order, with every condition required', async () => {
    const h = createHarness(plugin, {
      config: {
        escalationRules: [
          { name: 'refunds to finance', route: 'finance', when: { categories: ['billing'], keywords: ['refund'] } },
          { name: 'all billing', route: 'billing-queue', when: { categories: ['billing'] } },
        ],
      },
    });
    const r = await h.run(escalation, { text: 'Please refund my last invoice.' });
    expect(r).toMatchObject({ escalate: true, route: 'finance', rulesSource: 'config' });
    expect(r.matched.map((m) => m.route)).toEqual(['finance', 'billing-queue']);
    expect((await h.run(escalation, { text: 'Where is my invoice?' })).route).toBe('billing-queue');
    // The outage no longer escalates: config rules replace the defaults.
    expect((await h.run(escalation, { text: 'Everything is down, terrible!' })).escalate).toBe(false);
  });

  it('takes a corrected triage instead of triaging again', async () => {
    const h = createHarness(plugin);
    const r = await h.run(escalation, {
      text: 'fine',
      triage: { priority: 'urgent', category: 'technical', sentiment: { label: 'neutral' } },
    });
    expect(r).toMatchObject({ escalate: true, route: 'on-call', priority: 'urgent' });
  });
});
