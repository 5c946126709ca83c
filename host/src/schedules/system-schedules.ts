import { type DB, type Kysely, type RawBuilder, sql } from '@neonhub/db';

/** What names a system task's schedules (SystemTask): its `tool` (also the row's key), channel and title. */
export interface SystemTaskName {
  tool: string;
  channel: string;
  title: string;
}

/**
 * Creates a system task's schedule, due at `now`, for every workspace that has none (or only `workspaceId`) and that
 * `when` admits (a condition on the workspace `w`): one statement; a schedule that exists, in any state, is left alone.
 */
export async function ensureSystemSchedules(
  db: Kysely<DB>,
  owner: string,
  task: SystemTaskName,
  opts: { now?: Date; workspaceId?: string; when?: RawBuilder<boolean> } = {},
): Promise<void> {
  const actor = JSON.stringify({ type: 'system', id: `${owner}-schedules` });
  const now = opts.now ?? new Date();
  const workspaceId = opts.workspaceId ?? null;
  await sql`
    insert into schedules (id, workspace_id, plugin_id, key, tool, input, actor, channel, title, run_at, time_zone, status)
    select gen_random_uuid(), w.id, ${owner}, ${task.tool}, ${task.tool}, 'null'::jsonb,
      ${actor}::jsonb, ${task.channel}, ${task.title}, ${now.toISOString()}::timestamptz, 'UTC', 'scheduled'
    from workspaces w
    where (${workspaceId}::uuid is null or w.id = ${workspaceId}::uuid)
      and ${opts.when ?? sql<boolean>`true`}
      and not exists (select 1 from schedules x where x.workspace_id = w.id and x.plugin_id = ${owner} and x.key = ${task.tool})
    on conflict do nothing`.execute(db);
}
