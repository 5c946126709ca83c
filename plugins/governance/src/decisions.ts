import { ActorSchema } from '@neonhub/schemas';
import type { PluginStore } from '@neonhub/sdk';
import { z } from 'zod';

export const DECISIONS = 'decisions';

/** One governance decision on one call, appended to the `decisions` collection. */
export const DecisionSchema = z.object({
  callId: z.string(),
  tool: z.string(),
  sideEffect: z.string(),
  actor: ActorSchema,
  decision: z.enum(['allow', 'deny', 'approval']),
  /** Where in the policy the deciding rule is (`deny[0]`, `content.pii.card`, `consent.sends[0]`, ...); null when no rule matched. */
  rule: z.string().nullable(),
  /** The NH_GOV_* code of a deny; null otherwise. */
  code: z.string().nullable(),
  reason: z.string(),
  approvalId: z.string().nullable(),
  policyVersion: z.number().int(),
  at: z.string(),
});
export type Decision = z.infer<typeof DecisionSchema>;

export async function recordDecision(store: PluginStore, decision: Decision): Promise<number> {
  return store.append(DECISIONS, decision);
}
