import { ActorSchema } from '@neonhub/schemas';
import { createWriteBehind, type PluginStore } from '@neonhub/sdk';
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

/**
 * The log of allowed calls, written behind the calls (`createWriteBehind`: in batches, every 250 ms or 200
 * decisions, before list_decisions answers, and when the plugin stops): recording an allow is not worth a database
 * round trip on every call. Denials and approvals are appended at once, before the call is answered.
 */
export function createAllowLog() {
  return createWriteBehind<Decision>({
    async write(store, decisions) {
      await store.insertAll(
        DECISIONS,
        decisions.map((d) => ({ key: `allow:${d.callId}`, value: d })),
      );
    },
  });
}
export type AllowLog = ReturnType<typeof createAllowLog>;
