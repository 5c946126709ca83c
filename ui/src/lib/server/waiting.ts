import type { Run, RunWithSteps, Step } from '@neonhub/schemas';
import { labelOf, type Preview, policyInWords, previewOf, resolveRefs } from '$lib/approvals';
import { TOOLS } from '$lib/capabilities';
import type { Api } from './api';
import { actorName, type Person, peopleOf } from './people';
import { callCapability, type WorkspacePluginView, workspacePlugins } from './plugins';

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
}

export const GOVERNANCE = TOOLS.approvals.plugin;

/** "agent-email:send" -> "E-mail agent · Send", from the workspace's manifests. */
export function toolLabel(tool: string, plugins: readonly Pick<WorkspacePluginView, 'id' | 'name'>[]): string {
  const [pluginId = '', name = tool] = tool.split(':');
  const plugin = plugins.find((p) => p.id === pluginId);
  return `${plugin?.name ?? pluginId} · ${labelOf(name)}`;
}

/** Runs that may hold steps for approval (a run waiting, or running with a step held), newest first. */
const mayWait = (r: Pick<Run, 'status'>) => r.status === 'waiting_approval' || r.status === 'running';

export interface Waiting {
  items: PendingItem[];
  /** Whether governance (the approvals of calls outside runs, and policy) is enabled. */
  governance: boolean;
  error: string | null;
  /** Recent runs (newest first, at most 50) as the runs API lists them. */
  runs: Run[];
  plugins: WorkspacePluginView[];
  people: Map<string, Person>;
}

/**
 * Everything waiting for a person in a workspace: the steps of recent runs that wait for approval (with the
 * run's goal, their input resolved and previewed) and governance's pending approvals of calls made outside a
 * run. One list, oldest first (the one waiting longest comes first). `calls: false` leaves out the calls made
 * outside runs: reading them is a governance tool call, which the audit trail and usage record like any other.
 */
export async function waitingFor(client: Api, ws: string, me: string | undefined, opts: { calls?: boolean } = {}): Promise<Waiting> {
  const [runsR, pluginsR, people] = await Promise.all([
    client.request('listRuns', { params: { ws } }),
    workspacePlugins(client, ws),
    peopleOf(client, ws),
  ]);
  const runs = runsR.ok ? runsR.data.runs : [];
  const plugins = pluginsR.ok ? pluginsR.data.plugins : [];
  const governance = plugins.some((p) => p.id === GOVERNANCE && p.enabled);
  const [details, gov] = await Promise.all([
    Promise.all(
      runs
        .filter(mayWait)
        .slice(0, 25)
        .map(async (r) => {
          const d = await client.request('getRun', { params: { id: r.id } });
          return d.ok ? d.data : null;
        }),
    ),
    governance && opts.calls !== false
      ? callCapability<{ approvals: GovApproval[] }>(client, ws, TOOLS.approvals.list, { status: 'pending', limit: 200 })
      : Promise.resolve({ output: { approvals: [] as GovApproval[] }, error: undefined }),
  ]);
  const items = pendingItems(
    details.filter((d): d is RunWithSteps => d !== null),
    gov.output?.approvals ?? [],
    { plugins, people, me },
  );
  return { items, governance, error: gov.error ?? null, runs, plugins, people };
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
        why: policyInWords(held ? { source: 'policy', rule: held.rule, sideEffect: held.sideEffect } : { source: 'plan' }),
        preview: previewOf(resolved.value as Record<string, unknown>, d.steps),
        waitingOn: resolved.waitingOn,
      });
    }
  }
  for (const a of withoutRun ? approvals : []) {
    if (claimed.has(a.id)) continue;
    const input = (a.input && typeof a.input === 'object' ? a.input : {}) as Record<string, unknown>;
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
    });
  }
  items.sort((x, y) => x.askedAt.localeCompare(y.askedAt));
  return items;
}

/** One run's pending items, and the names and plugins its page shows (who started it, who decided each step). */
export async function pendingOfRun(client: Api, ws: string, run: RunWithSteps, me: string | undefined) {
  const holds = run.steps.some((s) => s.status === 'waiting_approval');
  const [pluginsR, people] = await Promise.all([workspacePlugins(client, ws), peopleOf(client, ws)]);
  const plugins = pluginsR.ok ? pluginsR.data.plugins : [];
  const governance = plugins.some((p) => p.id === GOVERNANCE && p.enabled);
  const gov =
    holds && governance
      ? await callCapability<{ approvals: GovApproval[] }>(client, ws, TOOLS.approvals.list, { status: 'pending', limit: 200 })
      : null;
  return { items: pendingItems([run], gov?.output?.approvals ?? [], { plugins, people, me }, false), plugins, people };
}
