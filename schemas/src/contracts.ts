import { z } from 'zod';
import { ActorSchema } from './workspace.js';

/**
 * Contracts: what the host and core need from capabilities, named by purpose instead of by plugin. A plugin says in
 * its manifest which contracts it provides (`provides`); the host resolves, per workspace, the enabled plugin that
 * provides one, and core calls the contract's tools on that plugin. Any plugin may replace a first-party one by
 * providing the same contract (docs/plugin-authors.md, "Contracts").
 *
 * - `policy`: a `beforeToolCall` hook that allows, denies or holds a call for approval.
 * - `approvals`: the approvals a policy holds: `list_approvals`, `get_approval`, `approve` (executes the held call
 *   once), `reject`. A plugin whose hook holds a call for approval must provide it, or the call is refused.
 * - `consent`: `record_consent` ({ contact, channel, status, source, at }): an unsubscribe reaches it.
 * - `memory`: `memory_search` and `memory_ingest` (core/sdk `MEMORY_CONTRACT`): agents reach it as `ctx.memory`, the
 *   planner for its memory context.
 */
export const ContractSchema = z.enum(['policy', 'approvals', 'consent', 'memory']);
export type Contract = z.infer<typeof ContractSchema>;

/** What a manifest providing a contract must declare: tools by name and hooks by event. */
export const CONTRACT_REQUIREMENTS: Readonly<Record<Contract, { tools: readonly string[]; hooks: readonly string[] }>> = {
  policy: { tools: [], hooks: ['beforeToolCall'] },
  approvals: { tools: ['list_approvals', 'get_approval', 'approve', 'reject'], hooks: [] },
  consent: { tools: ['record_consent'], hooks: [] },
  memory: { tools: ['memory_search', 'memory_ingest'], hooks: [] },
};

/** The approvals contract's tool names, for callers (`<provider>:<name>`). */
export const APPROVALS_TOOLS = { list: 'list_approvals', get: 'get_approval', approve: 'approve', reject: 'reject' } as const;

/** An approval's status as the approvals contract reports it. */
export const HeldApprovalStatusSchema = z.enum(['pending', 'approved', 'rejected', 'expired', 'executed', 'failed']);

/**
 * An approval as every approvals provider answers it (`get_approval`, `approve`'s `approval`, `list_approvals`'
 * items): at least these fields; a provider may add its own.
 */
export const HeldApprovalSchema = z.looseObject({
  id: z.string(),
  /** The held call's qualified tool. */
  tool: z.string(),
  input: z.unknown(),
  actor: ActorSchema,
  reason: z.string(),
  status: HeldApprovalStatusSchema,
  createdAt: z.string(),
  decidedBy: ActorSchema.nullable().optional(),
  note: z.string().nullable().optional(),
  /** Once executed: the call's output. */
  result: z.unknown().optional(),
  /** Once failed (or rejected): why. */
  error: z.object({ code: z.string(), message: z.string() }).nullable().optional(),
});
export type HeldApproval = z.infer<typeof HeldApprovalSchema>;

/** The approvals contract's inputs and outputs (each provider's tools accept at least these inputs). */
export const ApprovalsContract = {
  list: {
    input: z.object({ status: HeldApprovalStatusSchema.optional(), limit: z.number().int().min(1).max(200).optional() }),
    output: z.object({ approvals: z.array(HeldApprovalSchema) }),
  },
  get: { input: z.object({ approvalId: z.string() }), output: HeldApprovalSchema },
  approve: {
    input: z.object({ approvalId: z.string(), note: z.string().optional() }),
    output: z.object({ approval: HeldApprovalSchema }),
  },
  reject: {
    input: z.object({ approvalId: z.string(), reason: z.string() }),
    output: z.object({ approval: HeldApprovalSchema }),
  },
} as const;

/** A workspace's provider of each contract, as the host resolves it (GET /api/workspaces/:ws/contracts). */
export const ContractProvidersSchema = z.record(
  ContractSchema,
  z
    .object({
      plugin: z.string(),
      /** The contract's tools on that plugin, qualified (`plugin:tool`), by their contract name. */
      tools: z.record(z.string(), z.string()),
    })
    .nullable(),
);
export type ContractProviders = z.infer<typeof ContractProvidersSchema>;

/** The qualified tools a provider serves for a contract, by contract tool name. */
export function contractTools(contract: Contract, plugin: string): Record<string, string> {
  return Object.fromEntries(CONTRACT_REQUIREMENTS[contract].tools.map((t) => [t, `${plugin}:${t}`]));
}
