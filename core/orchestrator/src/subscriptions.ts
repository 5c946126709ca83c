import type { Run, RunEvent } from '@neonhub/schemas';
import type { EngineContext } from './context.js';
import { runErrors } from './errors.js';
import { type Db, readEvents } from './store.js';
import type { RunView } from './types.js';

/** Reading a run's events (a backlog, or live) and waiting for its status. */
export function createSubscriptions(ctx: EngineContext) {
  const { deps, db, bus, pollMs, get } = ctx;

  /**
   * Events of a run after `after` (an event id), then live ones as they are stored, in order, to `listener`.
   * Reads the log on every local change and every `pollMs` (events written by other processes).
   */
  function subscribe(runId: string, after: number, listener: (event: RunEvent) => void): () => void {
    let cursor = after;
    let reading: Promise<void> | undefined;
    let again = false;
    let stopped = false;
    const pull = () => {
      if (stopped) return;
      if (reading) {
        again = true;
        return;
      }
      reading = (async () => {
        do {
          again = false;
          for (;;) {
            const batch = await readEvents(db as Db, runId, cursor);
            for (const e of batch) {
              if (stopped) return;
              cursor = e.id!;
              listener(e);
            }
            if (batch.length < 1000) break;
          }
        } while (again && !stopped);
      })()
        .catch((err) => deps.logger?.warn({ err, runId }, 'reading run events failed'))
        .finally(() => {
          reading = undefined;
        });
    };
    bus.on(runId, pull);
    const timer = setInterval(pull, pollMs);
    timer.unref();
    pull();
    return () => {
      stopped = true;
      bus.off(runId, pull);
      clearInterval(timer);
    };
  }

  const events = (runId: string, after = 0, limit = 1000) => readEvents(db as Db, runId, after, limit);

  /** Waits until the run is in one of `statuses` (default: finished or waiting for approval). */
  async function waitFor(
    runId: string,
    statuses: Run['status'][] = ['succeeded', 'failed', 'cancelled', 'waiting_approval'],
    timeoutMs = 60_000,
  ): Promise<RunView> {
    const deadline = Date.now() + timeoutMs;
    let wake: (() => void) | undefined;
    const poke = () => wake?.();
    bus.on(`${runId}:status`, poke);
    try {
      for (;;) {
        const row = await db.selectFrom('runs').select('status').where('id', '=', runId).executeTakeFirst();
        if (!row) throw runErrors.create('NH_RUN_NOT_FOUND', `no run ${runId}`, { details: { runId } });
        if (statuses.includes(row.status)) return get(runId);
        if (Date.now() > deadline)
          throw new Error(`run ${runId} did not reach ${statuses.join('|')} within ${timeoutMs} ms (it is ${row.status})`);
        await new Promise<void>((resolve) => {
          wake = resolve;
          setTimeout(resolve, Math.min(pollMs, 250));
        });
      }
    } finally {
      bus.off(`${runId}:status`, poke);
    }
  }

  return { subscribe, events, waitFor };
}
