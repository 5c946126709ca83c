import { z } from 'zod';
import { ActorSchema } from './workspace.js';

/**
 * Contracts: what the host, core and the console need from plugins, named by purpose instead of by plugin. A plugin
 * says in its manifest which contracts it provides (`provides`); the host resolves, per workspace, the enabled plugin
 * that provides one, and its callers call the contract's tools on that plugin. Any plugin may replace a first-party
 * one by providing the same contract (docs/plugin-authors.md, "Contracts").
 *
 * - `policy`: a `beforeToolCall` hook that allows, denies or holds a call for approval; optionally `get_policy` and
 *   `set_policy` (the console's policy and brand pages edit the policy through them).
 * - `approvals`: the approvals a policy holds: `list_approvals`, `get_approval`, `approve` (executes the held call
 *   once), `reject`. A plugin whose hook holds a call for approval must provide it, or the call is refused.
 * - `consent`: `record_consent` ({ contact, channel, status, source, at }): an unsubscribe reaches it.
 * - `memory`: `memory_search` and `memory_ingest` (core/sdk `MEMORY_CONTRACT`): agents reach it as `ctx.memory`, the
 *   planner for its memory context; optionally `memory_get_document` and `memory_delete_document` (the brand kit).
 * - `content`: the console's content studio: drafts (`list_drafts`, `get_draft`, `draft`, `diff`, `revise`,
 *   `check_quality`) and their media (`attach_media`, `list_media`, `get_media`); optionally `learn_from_results` (the
 *   host's learning schedule scores the draft prompt's variants through it).
 * - `calendar`: posts on the calendar: `list_entries`, `schedule` (registers a host schedule keyed by the entry id it
 *   answers; the calendar's "new post" goes through it), `update_entry`, `cancel`, `publish`.
 * - `campaigns`: `list_campaigns`, `get_campaign`, `create_campaign`, `allocate_budget`, `reallocate`,
 *   `allocation_history` (the console's campaign pages).
 * - `audit`: `verify` (the tamper-evident audit trail's check: the console's audit page, `neonhub audit verify`);
 *   optionally `export_chain` (`{ encoding: 'jsonl' }` -> `{ jsonl }`: `neonhub audit export`) and `record_event`
 *   (`{ kind, data }` -> `{ seq, hash }`: the tombstone a contact's erasure leaves).
 * - `usage`: `usage_summary` (cost and footprint: the console's usage page).
 *
 * A manifest names a contract (`"provides": ["approvals"]`: its tools carry the contract's names) or maps the
 * contract's tools onto its own (`{ "contract": "calendar", "tools": { "list_entries": "calendar" } }`).
 */
export const ContractSchema = z.enum(['policy', 'approvals', 'consent', 'memory', 'content', 'calendar', 'campaigns', 'audit', 'usage']);
export type Contract = z.infer<typeof ContractSchema>;

/**
 * What a manifest providing a contract must declare: tools (by contract name) and hooks by event; `optional` tools are
 * part of the contract when the provider offers them.
 */
export const CONTRACT_REQUIREMENTS: Readonly<
  Record<Contract, { tools: readonly string[]; optional?: readonly string[]; hooks: readonly string[] }>
> = {
  policy: { tools: [], optional: ['get_policy', 'set_policy'], hooks: ['beforeToolCall'] },
  approvals: { tools: ['list_approvals', 'get_approval', 'approve', 'reject'], hooks: [] },
  consent: { tools: ['record_consent'], hooks: [] },
  memory: { tools: ['memory_search', 'memory_ingest'], optional: ['memory_get_document', 'memory_delete_document'], hooks: [] },
  content: {
    tools: ['list_drafts', 'get_draft', 'draft', 'diff', 'revise', 'check_quality', 'attach_media', 'list_media', 'get_media'],
    optional: ['learn_from_results'],
    hooks: [],
  },
  calendar: { tools: ['list_entries', 'schedule', 'update_entry', 'cancel', 'publish'], hooks: [] },
  campaigns: {
    tools: ['list_campaigns', 'get_campaign', 'create_campaign', 'allocate_budget', 'reallocate', 'allocation_history'],
    hooks: [],
  },
  audit: { tools: ['verify'], optional: ['export_chain', 'record_event'], hooks: [] },
  usage: { tools: ['usage_summary'], hooks: [] },
};

const ToolNameSchema = z.string().regex(/^[a-zA-Z][a-zA-Z0-9_-]*$/, 'a tool name of this plugin');

/**
 * One entry of a manifest's `provides`: a contract whose tools the plugin offers under the contract's names, or a
 * contract with a map from the contract's tool names to the plugin's own (names left out keep the contract's).
 */
export const ProvidedContractSchema = z.union([
  ContractSchema,
  z.strictObject({ contract: ContractSchema, tools: z.record(z.string(), ToolNameSchema).default({}) }),
]);
export type ProvidedContract = z.infer<typeof ProvidedContractSchema>;

/** The contract an entry of `provides` names. */
export const providedName = (p: ProvidedContract): Contract => (typeof p === 'string' ? p : p.contract);

/**
 * The plugin's own tool serving a contract's tool `name` under a manifest's `provides` entry for `contract`, or
 * undefined when the manifest does not provide the contract.
 */
export function ownToolFor(provides: readonly ProvidedContract[] | undefined, contract: Contract, name: string): string | undefined {
  const entry = provides?.find((p) => providedName(p) === contract);
  if (entry === undefined) return undefined;
  return typeof entry === 'string' ? name : (entry.tools[name] ?? name);
}

/** Whether a manifest's `provides` names `contract`. */
export const providesContract = (provides: readonly ProvidedContract[] | undefined, contract: Contract): boolean =>
  provides?.some((p) => providedName(p) === contract) ?? false;

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
  /** When a pending approval expires (ISO 8601), when the provider says. */
  expiresAt: z.string().optional(),
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

/**
 * The qualified tools (`plugin:tool`) a provider serves for a contract, by contract tool name: the required ones and
 * the optional ones its manifest declares (`tools`: the plugin's own tool names).
 */
export function contractTools(
  contract: Contract,
  manifest: { id: string; provides?: readonly ProvidedContract[]; tools: readonly { name: string }[] },
): Record<string, string> {
  const needs = CONTRACT_REQUIREMENTS[contract];
  const own = (t: string) => ownToolFor(manifest.provides, contract, t) ?? t;
  const optional = (needs.optional ?? []).filter((t) => manifest.tools.some((x) => x.name === own(t)));
  return Object.fromEntries([...needs.tools, ...optional].map((t) => [t, `${manifest.id}:${own(t)}`]));
}
