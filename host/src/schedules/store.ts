import { randomUUID } from 'node:crypto';
import { type DB, type Kysely, type SchedulesTable, type Selectable, sql, type UpdateObject } from '@neonhub/db';
import type { Actor, ScheduledCall, ScheduleStatus } from '@neonhub/schemas';

type Row = Selectable<SchedulesTable>;

/** The owner of the host's own recurring schedules (a system task, not a plugin's tool call): not in the calendar. */
export const SYSTEM_OWNER = 'neonhub';

/** Statuses from which a schedule may be moved (and so scheduled again). */
export const MOVABLE: ScheduleStatus[] = ['scheduled', 'failed', 'cancelled'];

const iso = (d: Date | string) => new Date(d).toISOString();

export function toScheduledCall(r: Row): ScheduledCall {
  return {
    id: r.id,
    key: r.key,
    plugin: r.plugin_id,
    tool: r.tool,
    channel: r.channel,
    ...(r.network ? { network: r.network } : {}),
    title: r.title,
    runAt: iso(r.run_at),
    timeZone: r.time_zone,
    status: r.status,
    ...(r.error ? { error: r.error } : {}),
    attempts: r.attempts,
    idempotencyKey: `schedule:${r.id}`,
    createdBy: r.actor as Actor,
    createdAt: iso(r.created_at),
    updatedAt: iso(r.updated_at),
    ...(r.fired_at ? { firedAt: iso(r.fired_at) } : {}),
    ...(r.finished_at ? { finishedAt: iso(r.finished_at) } : {}),
  };
}

export interface NewSchedule {
  workspaceId: string;
  pluginId: string;
  key: string;
  tool: string;
  input: unknown;
  actor: Actor;
  channel: string;
  network?: string;
  title: string;
  runAt: Date;
  timeZone: string;
}

/** A claimed schedule: what the runner calls, and the version its outcome must match. */
export type Claimed = Row;

/** The `schedules` table (migration 0014). Every claim and change is one conditional UPDATE: two hosts never both win. */
export function createScheduleStore(db: Kysely<DB>) {
  /** Ends the claim `claimed` with `fields` (only while this host still holds it: same version, still running). */
  const settle = (claimed: Claimed, now: Date, fields: UpdateObject<DB, 'schedules'>) =>
    db
      .updateTable('schedules')
      .set({ ...fields, finished_at: now, lease_until: null, version: sql`version + 1`, updated_at: sql`now()` })
      .where('id', '=', claimed.id)
      .where('version', '=', claimed.version)
      .where('status', '=', 'running')
      .returningAll()
      .executeTakeFirst();

  return {
    /** Inserts, or replaces the owner's schedule with this key when it has not run (else undefined). */
    async upsert(s: NewSchedule): Promise<Row | undefined> {
      const values = {
        tool: s.tool,
        input: JSON.stringify(s.input ?? null),
        actor: JSON.stringify(s.actor),
        channel: s.channel,
        network: s.network ?? null,
        title: s.title,
        run_at: s.runAt,
        time_zone: s.timeZone,
        status: 'scheduled' as const,
      };
      return db
        .insertInto('schedules')
        .values({ id: randomUUID(), workspace_id: s.workspaceId, plugin_id: s.pluginId, key: s.key, ...values })
        .onConflict((oc) =>
          oc
            .columns(['workspace_id', 'plugin_id', 'key'])
            .doUpdateSet({
              ...values,
              version: sql`schedules.version + 1`,
              error: null,
              result: null,
              lease_until: null,
              fired_at: null,
              finished_at: null,
              updated_at: sql`now()`,
            })
            .where('schedules.status', 'in', MOVABLE),
        )
        .returningAll()
        .executeTakeFirst();
    },

    byId(workspaceId: string, id: string): Promise<Row | undefined> {
      return db.selectFrom('schedules').selectAll().where('workspace_id', '=', workspaceId).where('id', '=', id).executeTakeFirst();
    },

    byKey(workspaceId: string, pluginId: string, key: string): Promise<Row | undefined> {
      return db
        .selectFrom('schedules')
        .selectAll()
        .where('workspace_id', '=', workspaceId)
        .where('plugin_id', '=', pluginId)
        .where('key', '=', key)
        .executeTakeFirst();
    },

    list(workspaceId: string, range: { from: Date; to: Date; channel?: string; status?: ScheduleStatus; limit: number }): Promise<Row[]> {
      let q = db
        .selectFrom('schedules')
        .selectAll()
        .where('workspace_id', '=', workspaceId)
        .where('plugin_id', '!=', SYSTEM_OWNER)
        .where('run_at', '>=', range.from)
        .where('run_at', '<=', range.to);
      if (range.channel) q = q.where('channel', '=', range.channel);
      if (range.status) q = q.where('status', '=', range.status);
      return q.orderBy('run_at').orderBy('id').limit(range.limit).execute();
    },

    /** Moves a schedule that has not run (failed and cancelled ones are scheduled again). */
    move(workspaceId: string, id: string, runAt: Date, timeZone: string): Promise<Row | undefined> {
      return db
        .updateTable('schedules')
        .set({
          run_at: runAt,
          time_zone: timeZone,
          status: 'scheduled',
          version: sql`version + 1`,
          error: null,
          lease_until: null,
          finished_at: null,
          updated_at: sql`now()`,
        })
        .where('workspace_id', '=', workspaceId)
        .where('id', '=', id)
        .where('status', 'in', MOVABLE)
        .returningAll()
        .executeTakeFirst();
    },

    cancel(workspaceId: string, id: string): Promise<Row | undefined> {
      return db
        .updateTable('schedules')
        .set({ status: 'cancelled', version: sql`version + 1`, updated_at: sql`now()` })
        .where('workspace_id', '=', workspaceId)
        .where('id', '=', id)
        .where('status', '=', 'scheduled')
        .returningAll()
        .executeTakeFirst();
    },

    /** Every schedule still to run (the BullMQ runner enqueues them at start). */
    pending(limit: number): Promise<Pick<Row, 'id' | 'version' | 'run_at'>[]> {
      return db
        .selectFrom('schedules')
        .select(['id', 'version', 'run_at'])
        .where('status', '=', 'scheduled')
        .orderBy('run_at')
        .orderBy('id')
        .limit(limit)
        .execute();
    },

    /** The earliest time a scheduled row is due (the poll timer sleeps until then at most). */
    async nextDue(): Promise<Date | undefined> {
      const r = await db
        .selectFrom('schedules')
        .select((eb) => eb.fn.min('run_at').as('at'))
        .where('status', '=', 'scheduled')
        .executeTakeFirst();
      return r?.at ? new Date(r.at as Date | string) : undefined;
    },

    /** Claims one schedule by id and version when it is due (a BullMQ job for an older version claims nothing). */
    claim(id: string, version: number, now: Date, leaseMs: number): Promise<Claimed | undefined> {
      return db
        .updateTable('schedules')
        .set({
          status: 'running',
          attempts: sql`attempts + 1`,
          version: sql`version + 1`,
          fired_at: now,
          lease_until: new Date(now.getTime() + leaseMs),
          updated_at: sql`now()`,
        })
        .where('id', '=', id)
        .where('version', '=', version)
        .where('status', '=', 'scheduled')
        .where('run_at', '<=', now)
        .returningAll()
        .executeTakeFirst();
    },

    /**
     * Claims up to `limit` due schedules, and running ones whose host died (lease over): those run again with the
     * same idempotency key, so what the first attempt already sent is not sent twice.
     */
    async claimDue(now: Date, leaseMs: number, limit: number): Promise<Claimed[]> {
      const result = await sql<Row>`
        update schedules set status = 'running', attempts = attempts + 1, version = version + 1,
          fired_at = ${now}, lease_until = ${new Date(now.getTime() + leaseMs)}, updated_at = now()
        where id in (
          select id from schedules
          where (status = 'scheduled' and run_at <= ${now}) or (status = 'running' and lease_until < ${now})
          order by run_at, id limit ${limit}
          for update skip locked
        )
        and ((status = 'scheduled' and run_at <= ${now}) or (status = 'running' and lease_until < ${now}))
        returning *`.execute(db);
      return result.rows;
    },

    /** Records the outcome of the claim `claimed` (ignored when another host re-claimed it since). */
    finish(
      claimed: Claimed,
      outcome: { status: ScheduleStatus; error?: { code: string; message: string }; result?: unknown },
      now: Date,
    ): Promise<Row | undefined> {
      return settle(claimed, now, {
        status: outcome.status,
        error: outcome.error ? JSON.stringify(outcome.error) : null,
        result: outcome.result === undefined ? null : JSON.stringify(outcome.result),
      });
    },

    /** A recurring schedule's claim ends scheduled again at `runAt` (ignored when another host re-claimed it since). */
    repeat(claimed: Claimed, runAt: Date, result: unknown, now: Date): Promise<Row | undefined> {
      return settle(claimed, now, { status: 'scheduled', run_at: runAt, error: null, result: JSON.stringify(result ?? null) });
    },

    async timeZone(workspaceId: string): Promise<string> {
      const r = await db.selectFrom('workspaces').select('time_zone').where('id', '=', workspaceId).executeTakeFirst();
      return r?.time_zone ?? 'UTC';
    },

    async setTimeZone(workspaceId: string, timeZone: string): Promise<void> {
      await db.updateTable('workspaces').set({ time_zone: timeZone }).where('id', '=', workspaceId).execute();
    },
  };
}

export type ScheduleStore = ReturnType<typeof createScheduleStore>;
