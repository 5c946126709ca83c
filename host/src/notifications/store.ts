import type { DB, Kysely, NotifyViaValue, RoleValue } from '@neonhub/db';
import { sql } from '@neonhub/db';
import type { FeedPosition } from './held.js';

export interface NotificationPref {
  via: NotifyViaValue;
  slackChannel: string | null;
}

/** No row: in the console only (nobody gets mail they did not ask for). */
export const DEFAULT_PREF: NotificationPref = { via: 'in_app', slackChannel: null };

const RANK: Record<RoleValue, number> = { viewer: 0, member: 1, admin: 2, owner: 3 };

export async function getPref(db: Kysely<DB>, workspaceId: string, userId: string): Promise<NotificationPref> {
  const row = await db
    .selectFrom('notification_prefs')
    .select(['via', 'slack_channel'])
    .where('workspace_id', '=', workspaceId)
    .where('user_id', '=', userId)
    .executeTakeFirst();
  return row ? { via: row.via, slackChannel: row.slack_channel } : DEFAULT_PREF;
}

export async function setPref(db: Kysely<DB>, workspaceId: string, userId: string, pref: NotificationPref): Promise<void> {
  await db
    .insertInto('notification_prefs')
    .values({ workspace_id: workspaceId, user_id: userId, via: pref.via, slack_channel: pref.slackChannel })
    .onConflict((oc) =>
      oc.columns(['workspace_id', 'user_id']).doUpdateSet({ via: pref.via, slack_channel: pref.slackChannel, updated_at: sql`now()` }),
    )
    .execute();
}

export interface NotifyTarget {
  userId: string;
  email: string;
  name: string;
  via: Exclude<NotifyViaValue, 'in_app'>;
  slackChannel: string | null;
}

/** The workspace's members at `minRole` or above who asked for e-mail or Slack. */
export async function targets(db: Kysely<DB>, workspaceId: string, minRole: RoleValue): Promise<NotifyTarget[]> {
  const roles = (Object.keys(RANK) as RoleValue[]).filter((r) => RANK[r] >= RANK[minRole]);
  const rows = await db
    .selectFrom('notification_prefs as p')
    .innerJoin('members as m', (j) => j.onRef('m.workspace_id', '=', 'p.workspace_id').onRef('m.user_id', '=', 'p.user_id'))
    .innerJoin('users as u', 'u.id', 'p.user_id')
    .select(['u.id', 'u.email', 'u.name', 'p.via', 'p.slack_channel'])
    .where('p.workspace_id', '=', workspaceId)
    .where('p.via', '!=', 'in_app')
    .where('m.role', 'in', roles)
    .orderBy('u.id')
    .execute();
  return rows.map((r) => ({
    userId: r.id,
    email: r.email,
    name: r.name,
    via: r.via as NotifyTarget['via'],
    slackChannel: r.slack_channel,
  }));
}

/**
 * Claims one notification (the thing, the person): true for the first caller only, so a notification goes out once
 * however many hosts (or restarts) see the same event.
 */
export async function claim(db: Kysely<DB>, workspaceId: string, key: string, userId: string, via: NotifyViaValue): Promise<boolean> {
  const rows = await db
    .insertInto('notifications_sent')
    .values({ workspace_id: workspaceId, key, user_id: userId, via })
    .onConflict((oc) => oc.columns(['workspace_id', 'key', 'user_id']).doNothing())
    .returning('key')
    .execute();
  return rows.length > 0;
}

/**
 * Sends that failed for good since `since` (not notifications themselves, so a failing notification makes no other),
 * oldest first (ties by id). `after` continues from the last row of a page (keyset on (updated_at, id)).
 */
export async function deadSends(db: Kysely<DB>, since: Date, limit = 100, after?: FeedPosition) {
  let q = db
    .selectFrom('outbox_messages')
    .select(['id', 'workspace_id', 'tool', 'last_error', 'updated_at'])
    .select(sql<string>`updated_at::text`.as('at_text'))
    .where('status', '=', 'dead')
    .where('updated_at', '>', since)
    .where('idempotency_key', 'not like', 'notify:%');
  if (after) q = q.where(sql<boolean>`(updated_at, id) > (${after.at}::timestamptz, ${after.id})`);
  const rows = await q.orderBy('updated_at').orderBy('id').limit(limit).execute();
  return rows.map(({ at_text, ...r }) => ({ ...r, position: { at: at_text, id: r.id } as FeedPosition }));
}
