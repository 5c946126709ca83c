import { randomUUID } from 'node:crypto';
import { type Actor, doneStatusFor, type ScheduledCall, type ScheduleRequest, ScheduleRequestSchema } from '@neonhub/schemas';
import { scheduleErrors } from '../errors.js';
import type { Scheduler } from '../types.js';

export interface MemoryScheduler extends Scheduler {
  /** Every schedule, by key. */
  readonly entries: ReadonlyMap<string, ScheduledCall & { input: unknown }>;
  /** Marks a schedule as the host would after its call (e.g. `published`, or `failed` with an error). */
  settle(key: string, status: ScheduledCall['status'], error?: { code: string; message: string }): void;
}

const PAST_TOLERANCE_MS = 60_000;

/**
 * The host's scheduler for plugin tests (`createHarness(plugin, { scheduler: createMemoryScheduler() })`): the same
 * rules as the host's (replace by key, past times refused, only pending schedules move or cancel) without firing —
 * a test calls the scheduled tool itself. Local times (no offset) are read in UTC here.
 */
export function createMemoryScheduler(opts: { plugin?: string; actor?: Actor; now?: () => number } = {}): MemoryScheduler {
  const entries = new Map<string, ScheduledCall & { input: unknown }>();
  const now = opts.now ?? Date.now;
  const instant = (runAt: string, timeZone: string | undefined) => {
    if (timeZone && timeZone !== 'UTC')
      throw scheduleErrors.create('NH_SCHEDULE_TIME_INVALID', 'the memory scheduler reads local times in UTC only');
    const hasZone = /(Z|[+-]\d\d:\d\d)$/.test(runAt);
    const t = Date.parse(hasZone ? runAt : `${runAt}Z`);
    if (Number.isNaN(t)) throw scheduleErrors.create('NH_SCHEDULE_TIME_INVALID', `${runAt} is not an ISO 8601 time`);
    if (t < now() - PAST_TOLERANCE_MS) throw scheduleErrors.create('NH_SCHEDULE_TIME_PAST', `${runAt} is in the past`);
    return new Date(t).toISOString();
  };
  const found = (key: string) => {
    const e = entries.get(key);
    if (!e) throw scheduleErrors.create('NH_SCHEDULE_NOT_FOUND', `no schedule ${key}`);
    return e;
  };
  const pending = (e: ScheduledCall) => ['scheduled', 'failed', 'cancelled'].includes(e.status);
  const view = ({ input: _i, ...e }: ScheduledCall & { input: unknown }): ScheduledCall => ({ ...e });
  return {
    entries,
    async schedule(request: ScheduleRequest) {
      const r = ScheduleRequestSchema.parse(request);
      const before = entries.get(r.key);
      if (before && !pending(before)) throw scheduleErrors.create('NH_SCHEDULE_NOT_PENDING', `schedule ${r.key} is ${before.status}`);
      const at = new Date(now()).toISOString();
      const id = before?.id ?? randomUUID();
      const e = {
        id,
        key: r.key,
        plugin: opts.plugin ?? r.tool.split(':')[0]!,
        tool: r.tool,
        input: r.input,
        channel: r.calendar.channel,
        ...(r.calendar.network ? { network: r.calendar.network } : {}),
        title: r.calendar.title,
        runAt: instant(r.runAt, r.timeZone),
        timeZone: r.timeZone ?? 'UTC',
        status: 'scheduled' as const,
        attempts: 0,
        idempotencyKey: `schedule:${id}`,
        createdBy: opts.actor ?? { type: 'user' as const, id: 'test-user', role: 'owner' as const },
        createdAt: before?.createdAt ?? at,
        updatedAt: at,
      };
      entries.set(r.key, e);
      return view(e);
    },
    async move(key, runAt, o = {}) {
      const e = found(key);
      if (!pending(e)) throw scheduleErrors.create('NH_SCHEDULE_NOT_PENDING', `schedule ${key} is ${e.status}`);
      const { error: _e, ...rest } = e;
      const next = { ...rest, runAt: instant(runAt, o.timeZone), status: 'scheduled' as const, updatedAt: new Date(now()).toISOString() };
      entries.set(key, next);
      return view(next);
    },
    async cancel(key) {
      const e = found(key);
      if (e.status === 'cancelled') return view(e);
      if (e.status !== 'scheduled') throw scheduleErrors.create('NH_SCHEDULE_NOT_PENDING', `schedule ${key} is ${e.status}`);
      const next = { ...e, status: 'cancelled' as const, updatedAt: new Date(now()).toISOString() };
      entries.set(key, next);
      return view(next);
    },
    async get(key) {
      const e = entries.get(key);
      return e && view(e);
    },
    settle(key, status, error) {
      const e = found(key);
      entries.set(key, { ...e, status: status === 'done' ? doneStatusFor(e.channel) : status, ...(error ? { error } : {}) });
    },
  };
}
