import { createPromptRegistry, definePrompt, type RenderedPrompt } from '@neonhub/sdk';
import type { Category, Triage } from './model.js';

const ABOUT: Record<Category, string> = {
  billing: 'their billing question',
  technical: 'the technical problem they reported',
  account: 'their account question',
  feedback: 'their feedback',
  other: 'their message',
};

/** The system prompt: the role, the rules, and `Brand:` (the offline e-mail template signs with it). */
export function replySystem(brandName: string | undefined): string {
  return [
    'You are a customer support agent writing a reply for a person to review before it is sent.',
    'Be specific, kind and brief. Acknowledge the problem, say what happens next, and never promise refunds, credits or dates the notes do not give.',
    ...(brandName ? [`Brand: ${brandName}`] : []),
  ].join('\n');
}

/**
 * The task, versioned in the prompt registry: its first line names an e-mail reply and what it is about (the
 * offline model keys its e-mail template and topic on it); Audience: greets the customer; bullets are the key
 * points (`details`).
 */
export const REPLY_PROMPT = definePrompt({
  id: 'agent-support.reply',
  version: '1.0.0',
  description: 'A support e-mail reply for a person to review, from the triage and the notes given as facts.',
  template: 'Write a support e-mail reply about {{about}}.\n{{details}}',
  variables: ['about', 'details'],
});

const registry = createPromptRegistry();
registry.register(REPLY_PROMPT);

export function replyPrompt(opts: { text: string; triage: Triage; customerName?: string; notes: string[] }): RenderedPrompt {
  const quoted = opts.text.replace(/\s+/g, ' ').trim();
  const short = quoted.length > 300 ? `${quoted.slice(0, 297)}...` : quoted;
  return registry.render(REPLY_PROMPT.id, {
    about: ABOUT[opts.triage.category],
    details: [
      ...(opts.customerName ? [`Audience: ${opts.customerName}`] : []),
      `Tone: ${opts.triage.sentiment.label === 'negative' ? 'apologetic and calm' : 'friendly'}`,
      'CTA: Reply to this e-mail if anything is still unclear; we are here to help.',
      `- We read your message: "${short}"`,
      ...opts.notes.map((n) => `- ${n.replace(/\s+/g, ' ').trim()}`),
      ...(opts.notes.length === 0
        ? [
            `- A ${opts.triage.category === 'other' ? 'support' : opts.triage.category} specialist is looking into it (priority: ${opts.triage.priority}).`,
          ]
        : []),
    ].join('\n'),
  });
}
