import type { ToolContext } from '@neonhub/sdk';
import { z } from 'zod';
import { CategorySchema, PrioritySchema, SentimentLabelSchema } from './model.js';

export const EscalationRuleSchema = z.strictObject({
  name: z.string().min(1).max(100).describe('Rule name, shown as the reason.'),
  route: z.string().min(1).max(100).describe('Where the ticket goes when the rule matches, e.g. "on-call" or "account-manager".'),
  when: z
    .strictObject({
      priorities: z.array(PrioritySchema).min(1).optional().describe('Matches tickets with one of these priorities.'),
      sentiments: z.array(SentimentLabelSchema).min(1).optional().describe('Matches tickets with one of these sentiments.'),
      categories: z.array(CategorySchema).min(1).optional().describe('Matches tickets in one of these categories.'),
      vip: z.boolean().optional().describe('Matches only VIP (true) or only non-VIP (false) customers.'),
      keywords: z.array(z.string().min(1)).min(1).optional().describe('Matches tickets containing any of these words (case-insensitive).'),
    })
    .describe('Conditions that must all hold; an empty object matches every ticket.'),
});
export type EscalationRule = z.infer<typeof EscalationRuleSchema>;

/** Per-workspace config (plugin.json `config` is generated from it; a test keeps them equal). */
export const ConfigSchema = z.strictObject({
  escalationRules: z
    .array(EscalationRuleSchema)
    .max(100)
    .optional()
    .describe('Escalation rules, checked in order; replaces the defaults (urgent -> on-call; negative and VIP -> account-manager).'),
  brandName: z.string().max(100).optional().describe('Signs reply drafts, e.g. "The Acme support team".'),
});
export type Config = z.infer<typeof ConfigSchema>;

export const DEFAULT_RULES: EscalationRule[] = [
  { name: 'urgent ticket', route: 'on-call', when: { priorities: ['urgent'] } },
  { name: 'unhappy VIP', route: 'account-manager', when: { sentiments: ['negative'], vip: true } },
];

export function configOf(ctx: Pick<ToolContext, 'config'>): Config {
  const parsed = ConfigSchema.safeParse(ctx.config);
  return parsed.success ? parsed.data : {};
}
