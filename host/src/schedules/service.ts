import type { DB, Kysely } from '@neonhub/db';
import {
  type Actor,
  describeIssues,
  type ScheduledCall,
  type ScheduleRequest,
  ScheduleRequestSchema,
  type ScheduleStatus,
  TimeZoneSchema,
} from '@neonhub/schemas';
import type { Scheduler } from '@neonhub/sdk';
import { scheduleErrors } from '@neonhub/sdk/host';
import { createScheduleStore, MOVABLE, type ScheduleStore, SYSTEM_OWNER, toScheduledCall } from './store.js';
import { type Clock, resolveInstant, systemClock } from './time.js';

/** A time this far in the past is still accepted (slow callers, clock skew): it runs at once. */
const PAST_TOLERANCE_MS = 60_000;
/** The calendar shows at most this many items per request. */
const LIST_LIMIT = 2000;

export interface ScheduleServiceDeps {
  db: Kysely<DB>;
  /** Whether `pluginId` may call `tool` (its own, a dependency's, or one its manifest's `calls` allows). */
  mayCall(pluginId: string, tool: string): boolean;
  clock?: Clock;
  /** After the workspace's time zone changed (the results move to its days: host/src/results/days.ts). */
  timeZoneChanged?(workspaceId: string, timeZone: string): Promise<void>;
}

export type ScheduleChange = { type: 'scheduled' | 'moved' | 'cancelled'; schedule: ScheduledCall & { version: number } };

/**
 * The host's schedules (docs/schedules.md): plugins register tool calls through `ctx.scheduler` (the service hands
 * each call a Scheduler scoped to its workspace and plugin); the calendar API and the CLI list, move and cancel them
 * across plugins; the runner fires them. The database row is the truth; listeners (the runner) are told of changes.
 */
export function createScheduleService(deps: ScheduleServiceDeps) {
  const store: ScheduleStore = createScheduleStore(deps.db);
  const clock = deps.clock ?? systemClock;
  const listeners = new Set<(change: ScheduleChange) => void>();
  const tell = (type: ScheduleChange['type'], row: NonNullable<Awaited<ReturnType<ScheduleStore['byId']>>>) => {
    const schedule = { ...toScheduledCall(row), version: row.version };
    for (const l of listeners) l({ type, schedule });
    return toScheduledCall(row);
  };

  async function when(workspaceId: string, runAt: string, timeZone: string | undefined) {
    const zone = timeZone ?? (await store.timeZone(workspaceId));
    const at = resolveInstant(runAt, zone);
    if (at.getTime() < clock.now() - PAST_TOLERANCE_MS)
      throw scheduleErrors.create('NH_SCHEDULE_TIME_PAST', `${runAt}${timeZone ? ` (${zone})` : ''} is in the past: pick a future time`, {
        details: { runAt, timeZone: zone, at: at.toISOString() },
      });
    return { at, zone };
  }

  const notPending = (row: { id: string; status: ScheduleStatus }) =>
    scheduleErrors.create('NH_SCHEDULE_NOT_PENDING', `schedule ${row.id} is ${row.status}: it can no longer be changed`, {
      details: { id: row.id, status: row.status },
    });
  const notFound = (ref: string) =>
    scheduleErrors.create('NH_SCHEDULE_NOT_FOUND', `no schedule ${ref} in this workspace`, { details: { ref } });

  async function move(workspaceId: string, id: string, runAt: string, timeZone?: string): Promise<ScheduledCall> {
    const row = await store.byId(workspaceId, id);
    if (!row) throw notFound(id);
    if (!MOVABLE.includes(row.status)) throw notPending(row);
    const { at, zone } = await when(workspaceId, runAt, timeZone ?? row.time_zone);
    const moved = await store.move(workspaceId, id, at, zone);
    if (!moved) throw notPending((await store.byId(workspaceId, id)) ?? row);
    return tell('moved', moved);
  }

  async function cancel(workspaceId: string, id: string): Promise<ScheduledCall> {
    const row = await store.byId(workspaceId, id);
    if (!row) throw notFound(id);
    if (row.status === 'cancelled') return toScheduledCall(row);
    const done = await store.cancel(workspaceId, id);
    if (!done) throw notPending((await store.byId(workspaceId, id)) ?? row);
    return tell('cancelled', done);
  }

  /** `ctx.scheduler` for one call: the workspace's schedules of `pluginId`, created as `actor`. */
  function forPlugin(workspace: { id: string }, pluginId: string, actor: Actor): Scheduler {
    const byKey = async (key: string) => {
      const row = await store.byKey(workspace.id, pluginId, key);
      if (!row) throw notFound(key);
      return row;
    };
    return {
      async schedule(request: ScheduleRequest) {
        const parsed = ScheduleRequestSchema.safeParse(request);
        if (!parsed.success)
          throw scheduleErrors.create('NH_SCHEDULE_INVALID', `invalid schedule: ${describeIssues(parsed.error.issues)}`, {
            details: { issues: parsed.error.issues },
          });
        const r = parsed.data;
        if (!deps.mayCall(pluginId, r.tool))
          throw scheduleErrors.create('NH_SCHEDULE_TOOL_NOT_ALLOWED', `plugin ${pluginId} may not schedule ${r.tool}`, {
            details: { plugin: pluginId, tool: r.tool },
          });
        const { at, zone } = await when(workspace.id, r.runAt, r.timeZone);
        const row = await store.upsert({
          workspaceId: workspace.id,
          pluginId,
          key: r.key,
          tool: r.tool,
          input: r.input,
          actor,
          channel: r.calendar.channel,
          ...(r.calendar.network ? { network: r.calendar.network } : {}),
          title: r.calendar.title,
          runAt: at,
          timeZone: zone,
        });
        if (!row) throw notPending((await byKey(r.key)) as { id: string; status: ScheduleStatus });
        return tell('scheduled', row);
      },
      move: async (key, runAt, opts = {}) => move(workspace.id, (await byKey(key)).id, runAt, opts.timeZone),
      cancel: async (key) => cancel(workspace.id, (await byKey(key)).id),
      async get(key) {
        const row = await store.byKey(workspace.id, pluginId, key);
        return row && toScheduledCall(row);
      },
    };
  }

  /**
   * The host's own recurring task in a workspace (owner SYSTEM_OWNER, key = task): scheduled at `runAt`, or cancelled
   * with null. A task running now is left alone: it schedules its next run itself when it ends.
   */
  async function system(workspaceId: string, task: { tool: string; title: string; channel: string }, runAt: Date | null) {
    if (runAt === null) {
      const row = await store.byKey(workspaceId, SYSTEM_OWNER, task.tool);
      if (row?.status !== 'scheduled') return;
      const done = await store.cancel(workspaceId, row.id);
      if (done) tell('cancelled', done);
      return;
    }
    const row = await store.upsert({
      workspaceId,
      pluginId: SYSTEM_OWNER,
      key: task.tool,
      tool: task.tool,
      input: null,
      actor: { type: 'system', id: `${SYSTEM_OWNER}-schedules` },
      channel: task.channel,
      title: task.title,
      runAt,
      timeZone: 'UTC',
    });
    if (row) tell('scheduled', row);
  }

  return {
    store,
    clock,
    forPlugin,
    system,
    move,
    cancel,
    async get(workspaceId: string, id: string): Promise<ScheduledCall> {
      const row = await store.byId(workspaceId, id);
      if (!row) throw notFound(id);
      return toScheduledCall(row);
    },
    /** The calendar: items whose time lies in [from, to], in time order. */
    async list(workspaceId: string, q: { from: string; to: string; channel?: string; status?: ScheduleStatus }) {
      const from = new Date(q.from);
      const to = new Date(q.to);
      if (to < from || to.getTime() - from.getTime() > 400 * 86_400_000)
        throw scheduleErrors.create('NH_SCHEDULE_TIME_INVALID', 'the range must end after it starts and span at most 400 days', {
          details: { from: q.from, to: q.to },
        });
      const rows = await store.list(workspaceId, {
        from,
        to,
        limit: LIST_LIMIT,
        ...(q.channel ? { channel: q.channel } : {}),
        ...(q.status ? { status: q.status } : {}),
      });
      return { timeZone: await store.timeZone(workspaceId), schedules: rows.map(toScheduledCall) };
    },
    timeZone: (workspaceId: string) => store.timeZone(workspaceId),
    async setTimeZone(workspaceId: string, timeZone: string): Promise<string> {
      const parsed = TimeZoneSchema.safeParse(timeZone);
      if (!parsed.success)
        throw scheduleErrors.create('NH_SCHEDULE_TIME_INVALID', `${timeZone} is not an IANA time zone (e.g. Europe/Paris)`, {
          details: { timeZone },
        });
      const before = await store.timeZone(workspaceId);
      await store.setTimeZone(workspaceId, parsed.data);
      if (before !== parsed.data) await deps.timeZoneChanged?.(workspaceId, parsed.data);
      return parsed.data;
    },
    onChange(listener: (change: ScheduleChange) => void): () => void {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
  };
}

export type ScheduleService = ReturnType<typeof createScheduleService>;
