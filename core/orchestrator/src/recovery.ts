import { sql } from 'kysely';
import { createApprovalExpiry } from './approval-expiry.js';
import type { EngineContext } from './context.js';
import { jobIdOf, type StepJob } from './jobs.js';
import type { Db } from './store.js';
import { type AfterResult, dispatchAfterMany } from './transitions.js';

/** Crash recovery: re-dispatches orphaned steps and settles open runs; ends the waits for approvals that expired. */
export function createRecovery(ctx: EngineContext) {
  const { deps, db, settled, enqueue, leaseMs } = ctx;
  const { expireApprovals } = createApprovalExpiry(ctx);

  /**
   * Re-dispatches what a crash left behind: queued or running steps with no live job (a running one is
   * handed to a new dispatch, so the dead worker's lease can no longer write), and pending steps whose
   * dependencies all succeeded; then settles the status of every open run (a worker may have died between
   * a step's last transition and the run's). Call on start, before processing.
   *
   * `sweep` (the periodic run while workers are up): only running steps whose lease has expired, and queued
   * steps untouched for as long, are taken; a step another live worker holds, or has just dispatched, is left
   * alone.
   *
   * Both first fail the steps whose approval expired before anyone decided (approval-expiry.ts): their runs end.
   */
  async function recover(opts: { sweep?: boolean } = {}): Promise<{ redispatched: number; expired: number }> {
    const expired = await expireApprovals();
    const open = await db
      .selectFrom('steps')
      .innerJoin('runs', 'runs.id', 'steps.run_id')
      .select(['steps.run_id', 'steps.id', 'steps.status', 'steps.dispatch'])
      .where('runs.status', 'in', ['queued', 'running', 'waiting_approval'])
      .where('steps.status', 'in', ['queued', 'running'])
      .$if(opts.sweep === true, (q) =>
        q.where((eb) =>
          eb.or([
            eb.and([eb('steps.status', '=', 'running'), eb('steps.lease_until', '<', sql<Date>`now()`)]),
            eb.and([
              eb('steps.status', '=', 'queued'),
              eb('steps.updated_at', '<', sql<Date>`now() - ${leaseMs} * interval '1 millisecond'`),
            ]),
          ]),
        ),
      )
      .execute();
    const jobs: StepJob[] = [];
    for (const s of open) {
      if (await deps.queue.has(jobIdOf({ runId: s.run_id, stepId: s.id, dispatch: s.dispatch }))) continue;
      const r = await db
        .updateTable('steps')
        .set({ status: 'queued', dispatch: sql`dispatch + 1`, lease: null, lease_until: null, updated_at: sql`now()` })
        .where('run_id', '=', s.run_id)
        .where('id', '=', s.id)
        .where('dispatch', '=', s.dispatch)
        .where('status', 'in', ['queued', 'running'])
        .returning(['dispatch'])
        .executeTakeFirst();
      if (r) jobs.push({ runId: s.run_id, stepId: s.id, dispatch: r.dispatch });
    }
    const runs = await db.selectFrom('runs').select('id').where('status', 'in', ['queued', 'running', 'waiting_approval']).execute();
    for (const run of runs) {
      const all = await db.selectFrom('steps').select(['id', 'status', 'depends_on']).where('run_id', '=', run.id).execute();
      const ok = new Set(all.filter((s) => s.status === 'succeeded').map((s) => s.id));
      const ready = all.filter((s) => s.status === 'pending' && s.depends_on.every((d) => ok.has(d))).map((s) => s.id);
      const [{ jobs: more, settled: status }] = (await dispatchAfterMany(db as Db, [{ runId: run.id, candidates: ready }])) as [
        AfterResult,
      ];
      jobs.push(...more);
      if (status) await settled(run.id, status);
    }
    await enqueue(jobs);
    return { redispatched: jobs.length, expired };
  }

  return { recover };
}
