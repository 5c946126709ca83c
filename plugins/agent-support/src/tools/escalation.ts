import { defineTool } from '@neonhub/sdk';
import { z } from 'zod';
import { configOf, DEFAULT_RULES } from '../config.js';
import { evaluateRules } from '../escalate.js';
import { CategorySchema, CustomerSchema, PrioritySchema, SentimentLabelSchema } from '../model.js';
import { triage } from '../triage.js';

const input = z.object({
  text: z.string().trim().min(1).max(50_000).describe('The customer message; triaged here when no triage result is given.'),
  customer: CustomerSchema.default({ vip: false }).describe('Who wrote it: VIP status matters to the rules.'),
  triage: z
    .object({
      priority: PrioritySchema.describe('Priority: low, normal, high or urgent.'),
      category: CategorySchema.describe('Category: billing, technical, account, feedback or other.'),
      sentiment: z.object({ label: SentimentLabelSchema.describe('negative, neutral or positive.') }).describe('Sentiment of the message.'),
    })
    .optional()
    .describe('A triage result to use (e.g. corrected by a person) instead of triaging the text again.'),
});

export const escalation = defineTool({
  name: 'escalation',
  description:
    'Decides whether a support ticket is escalated and where to, by the escalation rules in the plugin config (default: urgent tickets go to on-call; negative messages from VIP customers go to the account manager); returns every matching rule.',
  sideEffect: 'none',
  input,
  output: z.object({
    escalate: z.boolean(),
    route: z.string().nullable(),
    matched: z.array(z.object({ rule: z.string(), route: z.string() })),
    priority: PrioritySchema,
    category: CategorySchema,
    sentiment: SentimentLabelSchema,
    rulesSource: z.enum(['config', 'default']),
  }),
  run(a, ctx) {
    const configured = configOf(ctx).escalationRules;
    const t = a.triage ?? triage(a.text);
    const decision = evaluateRules(configured ?? DEFAULT_RULES, t, a.customer.vip, a.text);
    return {
      ...decision,
      priority: t.priority,
      category: t.category,
      sentiment: t.sentiment.label,
      rulesSource: configured ? ('config' as const) : ('default' as const),
    };
  },
});
