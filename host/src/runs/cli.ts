import type { Orchestrator, RunView } from '@neonhub/orchestrator';
import { type RunEvent, StartRunBodySchema, type Step } from '@neonhub/schemas';
import pc from 'picocolors';
import { cliConfig, withHost } from '../cli/context.js';
import { out } from '../cli/output.js';
import { hostApi, runningHost } from '../cli/running-host.js';
import { hostErrors } from '../errors.js';
import { parseBody } from '../server/parse-body.js';

/** The orchestrator is imported only when this process runs the steps itself (not when it forwards to a running host). */
const createRuns: typeof import('./service.js').createRuns = async (...args) => (await import('./service.js')).createRuns(...args);

const operator = { type: 'user' as const, id: 'cli', role: 'owner' as const };

/** The plan as a tree: each step under the step it depends on first, with its tool and approval mark. */
export function renderPlan(steps: Pick<Step, 'id' | 'tool' | 'title' | 'dependsOn' | 'needsApproval'>[]): string {
  const children = new Map<string, typeof steps>();
  const roots: typeof steps = [];
  for (const s of steps) {
    const parent = s.dependsOn[0];
    if (parent) children.set(parent, [...(children.get(parent) ?? []), s]);
    else roots.push(s);
  }
  const lines: string[] = [];
  const walk = (list: typeof steps, prefix: string) =>
    list.forEach((s, i) => {
      const last = i === list.length - 1;
      const more = s.dependsOn.length > 1 ? pc.dim(` (also after ${s.dependsOn.slice(1).join(', ')})`) : '';
      lines.push(
        `${prefix}${last ? '└─' : '├─'} ${pc.bold(s.id)} ${pc.dim(s.tool)}${s.needsApproval ? pc.yellow(' [approval]') : ''}${s.title ? ` ${s.title}` : ''}${more}`,
      );
      walk(children.get(s.id) ?? [], `${prefix}${last ? '   ' : '│  '}`);
    });
  walk(roots, '');
  return lines.join('\n');
}

/**
 * Progress lines in the order things happened: each batch sorted by time, and the clock shown never goes back
 * (events of steps that ran in parallel are stored in batches, so they can arrive a little out of order).
 */
export function createProgressPrinter(write: (line: string) => void = (line) => out.line(line)) {
  let last = 0;
  return (items: { at: number; seq?: number; line: (clock: string) => string | undefined }[]) => {
    const sorted = [...items].sort((a, b) => a.at - b.at || (a.seq ?? 0) - (b.seq ?? 0));
    for (const item of sorted) {
      last = Math.max(last, item.at);
      const line = item.line(new Date(last).toISOString().slice(11, 19));
      if (line) write(line);
    }
  };
}

function progressLine(e: RunEvent, t: string): string | undefined {
  const d = e.data as Record<string, unknown>;
  if (e.type === 'step.status') {
    const err = d.error as { code: string; message: string } | undefined;
    const color =
      d.status === 'succeeded' ? pc.green : d.status === 'failed' ? pc.red : d.status === 'waiting_approval' ? pc.yellow : pc.cyan;
    const extra = d.retryInMs ? ` (retry in ${d.retryInMs} ms after ${err?.code})` : err ? ` ${err.code}: ${err.message}` : '';
    return `${pc.dim(t)} ${e.stepId} ${color(String(d.status))}${extra}`;
  }
  if (e.type === 'run.status') return `${pc.dim(t)} run ${pc.bold(String(d.status))}`;
  return undefined;
}

/** Prints the run's events from `after` until it finishes or waits for approval; returns the final view. */
async function follow(o: Orchestrator, runId: string, workspace: string, after = 0): Promise<RunView> {
  const print = createProgressPrinter();
  let pending: RunEvent[] = [];
  const flush = () => {
    print(pending.map((e) => ({ at: Date.parse(e.at), seq: e.id, line: (t: string) => progressLine(e, t) })));
    pending = [];
  };
  const timer = setInterval(flush, 100);
  const stop = o.subscribe(runId, after, (e) => {
    pending.push(e);
  });
  try {
    const view = await o.waitFor(runId, ['succeeded', 'failed', 'cancelled', 'waiting_approval'], 24 * 3_600_000);
    await new Promise((r) => setTimeout(r, 150)); // let the last events arrive
    return view;
  } finally {
    stop();
    clearInterval(timer);
    flush();
    void workspace;
  }
}

const stepColor = (status: string) =>
  status === 'succeeded' ? pc.green : status === 'failed' ? pc.red : status === 'waiting_approval' ? pc.yellow : pc.cyan;

/**
 * The same progress against a running `neonhub start` (which holds the embedded database): polls
 * `GET /api/runs/:id` and prints each step's status changes until the run finishes or waits.
 */
async function followOverHttp(url: string, runId: string, seen = new Map<string, string>()): Promise<RunView> {
  const print = createProgressPrinter();
  for (;;) {
    const view = await hostApi(url, 'getRun', { params: { id: runId } });
    const now = Date.now();
    const changes = [];
    for (const [i, step] of view.steps.entries()) {
      if (seen.get(step.id) === step.status) continue;
      seen.set(step.id, step.status);
      // When it happened: a finished step's finishedAt, a running one's startedAt; else when this poll saw it.
      const when = step.status === 'running' ? step.startedAt : step.finishedAt;
      const at = Math.min(when ? Date.parse(when) : now, now);
      changes.push({ at, seq: i, line: (t: string) => `${pc.dim(t)} ${step.id} ${stepColor(step.status)(step.status)}` });
    }
    print(changes);
    if (['succeeded', 'failed', 'cancelled', 'waiting_approval'].includes(view.run.status)) return view;
    await new Promise((r) => setTimeout(r, 250));
  }
}

function runParams(opts: { to?: string; network?: string[] }) {
  return {
    ...(opts.to
      ? {
          recipients: opts.to
            .split(',')
            .map((s) => s.trim())
            .filter(Boolean),
        }
      : {}),
    ...(opts.network?.length ? { networks: opts.network } : {}),
  };
}

function finish(view: RunView, workspace: string) {
  const { run, steps } = view;
  if (run.status === 'succeeded') {
    out.ok(`run ${run.id} succeeded (${steps.length} steps)`);
    process.exitCode = 0;
  } else if (run.status === 'waiting_approval') {
    for (const s of steps.filter((x) => x.status === 'waiting_approval')) {
      const until = s.approvalExpiresAt ? ` until ${s.approvalExpiresAt} (then the step fails and the run ends)` : '';
      out.warn(
        `step ${s.id} (${s.tool}) waits for approval${until}. Approve it with:\n  neonhub approve ${run.id} ${s.id} --workspace ${workspace}`,
      );
    }
    process.exitCode = 3;
  } else {
    const code = run.error?.code ?? (run.status === 'cancelled' ? 'NH_RUN_CANCELLED' : 'NH_INTERNAL');
    process.stderr.write(`${pc.red('error')} ${pc.bold(code)}: run ${run.id} ${run.status}${run.error ? `: ${run.error.message}` : ''}\n`);
    process.exitCode = 1;
  }
}

/** `neonhub run "<goal>" --workspace <slug>`: plan, print the tree, run with live progress. Exit 0 ok, 3 waiting approval, 1 failed. */
export async function runCommand(goal: string, opts: { workspace: string; to?: string; network?: string[]; dryRun?: boolean }) {
  const running = opts.dryRun ? undefined : runningHost();
  if (running) {
    const body = parseBody(StartRunBodySchema, { goal, params: runParams(opts) });
    const view = await hostApi(running, 'startRun', { params: { ws: opts.workspace }, body });
    out.line(`run ${pc.bold(view.run.id)} — plan (${view.run.planner}):\n${renderPlan(view.steps)}`);
    for (const n of view.run.notes) out.warn(n);
    return finish(await followOverHttp(running, view.run.id), opts.workspace);
  }
  await withHost({ purpose: 'neonhub run', seed: true }, async (host) => {
    const o = await createRuns(host);
    try {
      const params = runParams(opts);
      if (opts.dryRun) {
        const { plan, planner } = await o.plan(opts.workspace, goal, params);
        out.line(`plan (${planner}):\n${renderPlan(plan.steps.map((s) => ({ ...s, needsApproval: s.needsApproval ?? false })))}`);
        for (const n of plan.notes) out.warn(n);
        return;
      }
      const view = await o.start({ workspace: opts.workspace, goal, actor: operator, params });
      out.line(`run ${pc.bold(view.run.id)} — plan (${view.run.planner}):\n${renderPlan(view.steps)}`);
      for (const n of view.run.notes) out.warn(n);
      finish(await follow(o, view.run.id, opts.workspace), opts.workspace);
    } finally {
      await o.close();
    }
  });
}

/** `neonhub approve <runId> <stepId> --workspace <slug>`: approves the step, then follows the run like `run`. */
export async function approveCommand(runId: string, stepId: string, opts: { workspace: string; note?: string; reject?: string }) {
  const running = runningHost();
  if (running) {
    const params = { id: runId, stepId };
    const view = opts.reject
      ? await hostApi(running, 'rejectStep', { params, body: { reason: opts.reject } })
      : await hostApi(running, 'approveStep', { params, body: opts.note ? { note: opts.note } : {} });
    out.ok(`step ${stepId} ${opts.reject ? 'rejected' : 'approved'}`);
    const seen = new Map(view.steps.map((s) => [s.id, s.status] as const));
    return finish(view.run.status === 'running' ? await followOverHttp(running, runId, seen) : view, opts.workspace);
  }
  await withHost({ purpose: 'neonhub approve' }, async (host) => {
    const o = await createRuns(host);
    try {
      const ws = await host.storage.service.resolveWorkspace(opts.workspace);
      const last = (await o.events(runId, 0, 100_000)).at(-1)?.id ?? 0;
      const view = opts.reject
        ? await o.reject(runId, stepId, operator, opts.reject, { workspaceId: ws.id })
        : await o.approve(runId, stepId, operator, { workspaceId: ws.id, ...(opts.note ? { note: opts.note } : {}) });
      out.ok(`step ${stepId} ${opts.reject ? 'rejected' : 'approved'}`);
      finish(view.run.status === 'running' ? await follow(o, runId, opts.workspace, last) : view, opts.workspace);
    } finally {
      await o.close();
    }
  });
}

/** `neonhub worker`: handles step jobs from BullMQ until SIGINT/SIGTERM (REDIS_URL required). */
export async function workerCommand(opts: { concurrency?: string }) {
  if (!process.env.REDIS_URL)
    throw hostErrors.create('NH_CONFIG_ENV_INVALID', 'neonhub worker needs REDIS_URL (the in-process queue has no separate workers)');
  await (await import('../cli/preflight.js')).preflight({ redisUrl: cliConfig().redisUrl });
  await withHost({ purpose: 'neonhub worker', quiet: true }, async (host) => {
    const o = await createRuns(host, { concurrency: Number(opts.concurrency ?? 4) || 4 });
    out.ok(`worker handling run steps (concurrency ${opts.concurrency ?? 4}); Ctrl-C to stop`);
    await new Promise<void>((resolve) => {
      process.once('SIGINT', resolve);
      process.once('SIGTERM', resolve);
    });
    await o.close();
  });
}
