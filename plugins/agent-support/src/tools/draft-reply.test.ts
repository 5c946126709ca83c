import type { LlmGenerateInput } from '@neonhub/sdk';
import { createHarness } from '@neonhub/sdk/testing';
import { describe, expect, it } from 'vitest';
import plugin from '../index.js';
import { draftReply } from './draft-reply.js';

const ticket = 'I was charged twice this month, please refund me.';

describe('draft_reply', () => {
  it('the offline model writes a labelled e-mail reply that greets the customer and signs with the brand', async () => {
    const h = createHarness(plugin, { config: { brandName: 'The Acme support team' } });
    const r = await h.run(draftReply, {
      text: ticket,
      customer: { name: 'Ada' },
      notes: ['Refund issued today; it takes 3–5 business days'],
    });
    expect(r).toMatchObject({
      offline: true,
      category: 'billing',
      priority: 'high',
      prompt: { id: 'agent-support.reply', version: '1.0.0' },
    });
    expect(r.reply.startsWith('[offline model] Draft e-mail')).toBe(true);
    expect(r.reply).toContain('Subject: Their Billing Question');
    expect(r.reply).toContain('Hi Ada,');
    expect(r.reply).toContain(`- We read your message: "${ticket}"`);
    expect(r.reply).toContain('- Refund issued today; it takes 3–5 business days');
    expect(r.reply).toContain('Reply to this e-mail if anything is still unclear; we are here to help.');
    expect(r.reply.trimEnd().endsWith('The Acme support team')).toBe(true);
  });

  it('tells a real model the rules, the tone from sentiment, and only the given facts', async () => {
    const seen: LlmGenerateInput[] = [];
    const h = createHarness(plugin, {
      llm: {
        async generate(input) {
          seen.push(input);
          return {
            text: 'Hi Ada, sorry about that.',
            provider: 'test',
            model: 'm',
            offline: false,
            usage: { inputTokens: 1, outputTokens: 1, totalTokens: 2 },
          };
        },
      },
    });
    const r = await h.run(draftReply, { text: ticket, customer: { name: 'Ada' } });
    expect(r).toMatchObject({ reply: 'Hi Ada, sorry about that.', offline: false, model: 'test/m' });
    expect(seen[0]?.system).toContain('never promise refunds, credits or dates the notes do not give');
    expect(seen[0]?.prompt.split('\n').slice(0, 3)).toEqual([
      'Write a support e-mail reply about their billing question.',
      'Audience: Ada',
      'Tone: apologetic and calm',
    ]);
    expect(seen[0]?.prompt).toContain('- A billing specialist is looking into it (priority: high).');
  });
});
