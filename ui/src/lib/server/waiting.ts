import type { HeldCall, RunWithSteps, Step } from '@neonhub/schemas';
import { approvalExpired, type Preview, policyInWords, previewOf, resolveRefs, untrackLinks } from '$lib/approvals';
import type { Contracts } from '$lib/capabilities';
import type { Api } from './api';
import { actorName, type Person } from './people';
import { callCapability, toolLabel, type WorkspacePluginView } from './plugins';
import { shellOf } from './shell';

type ShellEvent = Parameters<typeof shellOf>[0];

/** A governance approval as governance:list_approvals answers it (the fields the console reads). */
export interface GovApproval {
  id: string;
  tool: string;
  input: unknown;
  actor: { type: string; id: string };
  sideEffect: string;
  rule: string;
  status: string;
  createdAt: string;
  /** When the approval expires (past it, it can no longer be approved), when the provider said. */
  expiresAt?: string | null;
  /** The tracked links in its input and where each goes (the host's note of a held call): shown as the original URLs. */
  links?: Record<string, string>;
}

/** One thing that waits for a person's decision: a run's step, or a call made outside a run. */
export interface PendingItem {
  /** Unique on the page: `<runId>/<stepId>` or the approval id. */
  key: string;
  runId: string | null;
  runGoal: string | null;
  stepId: string | null;
  approvalId: string | null;
  /** What it does, in words (the step's title, else the tool's). */
  title: string;
  /** The plugin and tool, in words ("E-mail agent · Send"). */
  toolLabel: string;
  askedBy: string;
  askedAt: string;
  why: string;
  preview: Preview;
  /** Steps whose output the preview still waits for. */
  waitingOn: string[];
  /** When its approval expires (a run's step: `approvalExpiresAt`; a call outside a run: the host's note), if said. */
  expiresAt: string | null;
  /** How many of its links were tracked before it was held (the preview shows their destinations; sent, they are tracked). */
  trackedLinks: number;
}

export interface Waiting {
  items: PendingItem[];
  /** How many of them can still be approved (a run's step whose approval expired shows until the sweep fails it). */
  open: number;
  /** Whether an approvals provider (governance, or a replacement: the approvals of calls outside runs) is enabled. */
  governance: boolean;
  error: string | null;
  plugins: WorkspacePluginView[];
  /** The workspace's contract providers (the approvals inbox reads the approvals contract's). */
  contracts: Contracts;
  people: Map<string, Person>;
}

/**
 * The approvals contract's rule behind a provider's reason, when its wording names one (governance's: "the policy
 * requires approval for <tool> (…)" or "… for <effect> side effects"): what `policyInWords` reads.
 */
export function ruleOfReason(reason: string): { rule: string; sideEffect: string } {
  const effect = /requires approval for (\w+) side effects/.exec(reason);
  if (effect) return { rule: 'requireApproval.sideEffects', sideEffect: effect[1]! };
  if (/requires approval for \S+ \(/.test(reason)) return { rule: 'requireApproval.tools', sideEffect: '' };
  return { rule: '', sideEffect: '' };
}

/** A call held outside a run as the host noted it (`GET …/approvals/held`, with its input), as a provider's approval. */
const heldAsApproval = (h: HeldCall): GovApproval => ({
  id: h.approvalId ?? h.callId,
  tool: h.tool,
  input: h.input ?? {},
  actor: h.actor,
  ...ruleOfReason(h.reason),
  status: 'pending',
  createdAt: h.createdAt,
  expiresAt: h.expiresAt,
  links: h.links,
});

/**
 * Everything waiting for a person in a workspace: the steps of runs that wait for approval (with the run's goal,
 * their input resolved and previewed) and the calls held for approval outside a run. One list, oldest first (the
 * one waiting longest comes first). No tool call on the way: the runs and their steps and the calls held outside
 * runs as the host noted them (each with its input) come in the workspace's shell (`shellOf`: one request, shared
 * by the layout's badge and the page). Why a run's step waits is in the plan's words or the policy's in general;
 * `providerReasons` (streamed after the page paints) names the policy's rule.
 */
export async function waitingFor(event: ShellEvent, ws: string, me: string | undefined): Promise<Waiting> {
  const { waiting, held, plugins, people, contracts, error } = await shellOf(event, ws);
  const governance = contracts.approvals?.tools.list_approvals !== undefined;
  const items = pendingItems(waiting, held.map(heldAsApproval), { plugins, people, me });
  const now = Date.now();
  const open = items.filter((i) => !approvalExpired(i.expiresAt, now)).length;
  return { items, open, governance, error: error ? error.error.message : null, plugins, contracts, people };
}

export interface ProviderReasons {
  /** Item key -> why it waits in the provider's words (the items the provider's list holds). */
  why: Record<string, string>;
  stale: boolean;
}

/** At most this many of the provider's pending approvals are read for the reasons (a full list proves nothing gone). */
const REASONS_LIMIT = 200;

/**
 * Why each item waits in the approvals provider's words (its pending list: one tool call, which the audit trail and
 * usage record, made after the page has painted), by item key. With `checkStale` (the inbox, which shows everything
 * that waits) `stale` says whether the list differs from what the page shows: a call held outside a run that the
 * provider no longer lists (its approval expired, or was decided elsewhere), or one it lists that the page lacks
 * (held before the host kept notes). Reading the list settles the host's notes, so the page reloads once. The
 * list is compared with the page, not with a second read of the notes (one host call fewer).
 */
export async function providerReasons(
  client: Api,
  ws: string,
  contracts: Contracts,
  items: readonly Pick<PendingItem, 'key' | 'approvalId' | 'runId'>[],
  checkStale = false,
): Promise<ProviderReasons> {
  const list = contracts.approvals?.tools.list_approvals;
  if (!list) return { why: {}, stale: false };
  const gov = await callCapability<{ approvals: GovApproval[] }>(client, ws, list, { status: 'pending', limit: REASONS_LIMIT });
  const listed = gov.output?.approvals ?? [];
  const byId = new Map(listed.map((a) => [a.id, a]));
  const why: Record<string, string> = {};
  for (const i of items) {
    const a = i.approvalId ? byId.get(i.approvalId) : undefined;
    if (a) why[i.key] = policyInWords({ source: 'policy', rule: a.rule, sideEffect: a.sideEffect });
  }
  return { why, stale: checkStale && gov.output !== undefined && listDiffers(listed, items) };
}

/**
 * Whether the provider's pending list differs from the items shown: one it lists that no item shows (a run's step or a
 * call outside runs), or, when the list is complete, a call outside runs it no longer lists.
 */
export function listDiffers(
  listed: readonly Pick<GovApproval, 'id' | 'status'>[],
  items: readonly Pick<PendingItem, 'approvalId' | 'runId'>[],
): boolean {
  const shown = new Set(items.flatMap((i) => (i.approvalId ? [i.approvalId] : [])));
  if (listed.some((a) => a.status === 'pending' && !shown.has(a.id))) return true;
  if (listed.length >= REASONS_LIMIT) return false;
  const pending = new Set(listed.map((a) => a.id));
  return items.some((i) => i.runId === null && i.approvalId !== null && !pending.has(i.approvalId));
}

/**
 * The pending items of some runs' waiting steps (each with its input resolved and previewed, and why it waits from
 * governance's approval when governance holds it), then, with `withoutRun`, governance approvals of calls made
 * outside those runs.
 */
export function pendingItems(
  runs: readonly RunWithSteps[],
  approvals: readonly GovApproval[],
  ctx: { plugins: readonly WorkspacePluginView[]; people: ReadonlyMap<string, Person>; me: string | undefined },
  withoutRun = true,
): PendingItem[] {
  const { plugins, people, me } = ctx;
  const byId = new Map(approvals.map((a) => [a.id, a]));
  const items: PendingItem[] = [];
  const claimed = new Set<string>();
  for (const d of runs) {
    for (const s of d.steps.filter((x: Step) => x.status === 'waiting_approval')) {
      const held = s.approvalId ? byId.get(s.approvalId) : undefined;
      if (s.approvalId) claimed.add(s.approvalId);
      const resolved = resolveRefs(s.input, d.steps);
      items.push({
        key: `${d.run.id}/${s.id}`,
        runId: d.run.id,
        runGoal: d.run.goal,
        stepId: s.id,
        approvalId: s.approvalId ?? null,
        title: s.title ?? toolLabel(s.tool, plugins),
        toolLabel: toolLabel(s.tool, plugins),
        askedBy: actorName(held?.actor ?? d.run.createdBy, people, me),
        askedAt: held?.createdAt ?? s.startedAt ?? d.run.createdAt,
        // the plan's hold, else the policy's (its rule named once the provider's list is read: providerReasons)
        why: policyInWords(
          held ? { source: 'policy', rule: held.rule, sideEffect: held.sideEffect } : { source: s.needsApproval ? 'plan' : 'policy' },
        ),
        preview: previewOf(resolved.value as Record<string, unknown>, d.steps),
        waitingOn: resolved.waitingOn,
        expiresAt: s.approvalExpiresAt ?? held?.expiresAt ?? null,
        trackedLinks: 0,
      });
    }
  }
  for (const a of withoutRun ? approvals : []) {
    if (claimed.has(a.id)) continue;
    const shown = untrackLinks(a.input && typeof a.input === 'object' ? a.input : {}, a.links ?? {});
    const input = shown.value as Record<string, unknown>;
    items.push({
      key: a.id,
      runId: null,
      runGoal: null,
      stepId: null,
      approvalId: a.id,
      title: toolLabel(a.tool, plugins),
      toolLabel: toolLabel(a.tool, plugins),
      askedBy: actorName(a.actor, people, me),
      askedAt: a.createdAt,
      why: policyInWords({ source: 'policy', rule: a.rule, sideEffect: a.sideEffect }),
      preview: previewOf(input),
      waitingOn: [],
      expiresAt: a.expiresAt ?? null,
      trackedLinks: shown.tracked,
    });
  }
  items.sort((x, y) => x.askedAt.localeCompare(y.askedAt) || x.key.localeCompare(y.key)); // ties: one order on every load
  return items;
}

/** One run's pending items, and the names and plugins its page shows (who started it, who decided each step). */
export async function pendingOfRun(event: ShellEvent, ws: string, run: RunWithSteps, me: string | undefined) {
  const { plugins, people, contracts, timeZone } = await shellOf(event, ws);
  return { items: pendingItems([run], [], { plugins, people, me }, false), plugins, people, contracts, timeZone };
}
