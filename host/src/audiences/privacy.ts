import type { DB, Kysely } from '@neonhub/db';
import { sql } from '@neonhub/db';
import { getContactRow, listsOf, toContact } from './contacts.js';
import { addressHash } from './normalize.js';

type Db = Kysely<DB>;
const iso = (d: Date | string) => (d instanceof Date ? d.toISOString() : new Date(d).toISOString());

/** What identifies the person in stored data: the contact id, its e-mail address, phone number and handles. */
function identifiersOf(row: { id: string; email: string | null; phone: string | null; handles: Record<string, string> }): string[] {
  return [row.id, row.email, row.phone, ...Object.values(row.handles ?? {})].filter(
    (v): v is string => typeof v === 'string' && v.length >= 3,
  );
}

function addressHashes(row: { email: string | null; phone: string | null }) {
  return [...(row.email ? [addressHash('email', row.email)] : []), ...(row.phone ? [addressHash('sms', row.phone)] : [])];
}

/**
 * Plugin store rows that name the person: the key or the JSON value contains one of their identifiers. Generic on
 * purpose (the host names no plugin): governance's consent and send logs, a connector's outbox, a support thread.
 */
function pluginRecordsOf(db: Db, workspaceId: string, ids: readonly string[]) {
  return db
    .selectFrom('plugin_records')
    .where('workspace_id', '=', workspaceId)
    .where((eb) =>
      eb.or(
        ids.flatMap((id) => [
          sql<boolean>`position(${id.toLowerCase()} in lower(key)) > 0`,
          sql<boolean>`position(${id} in value::text) > 0`,
        ]),
      ),
    );
}

/** Everything held about one contact (GDPR art. 15 / CCPA access): host rows and every plugin's records. */
export async function exportContact(db: Db, workspaceId: string, contactId: string) {
  const row = await getContactRow(db, workspaceId, contactId);
  const ids = identifiersOf(row);
  const hashes = addressHashes(row);
  const [lists, memberships, suppressions, links, events, records] = await Promise.all([
    db
      .selectFrom('contact_list_members as m')
      .innerJoin('contact_lists as l', 'l.id', 'm.list_id')
      .select(['l.id', 'l.name'])
      .where('m.contact_id', '=', row.id)
      .execute(),
    listsOf(db, [row.id]),
    hashes.length
      ? db.selectFrom('suppressions').selectAll().where('workspace_id', '=', workspaceId).where('value_hash', 'in', hashes).execute()
      : Promise.resolve([]),
    db.selectFrom('tracked_links').selectAll().where('workspace_id', '=', workspaceId).where('contact_id', '=', row.id).execute(),
    db
      .selectFrom('result_events')
      .selectAll()
      .where('workspace_id', '=', workspaceId)
      .where('contact_id', '=', row.id)
      .orderBy('occurred_at')
      .orderBy('id')
      .execute(),
    pluginRecordsOf(db, workspaceId, ids)
      .select(['plugin_id', 'collection', 'key', 'value'])
      .orderBy('plugin_id')
      .orderBy('collection')
      .execute(),
  ]);
  const plain = <T extends Record<string, unknown>>(r: T) =>
    Object.fromEntries(Object.entries(r).map(([k, v]) => [k, v instanceof Date ? v.toISOString() : typeof v === 'bigint' ? String(v) : v]));
  return {
    contact: toContact(row, memberships.get(row.id) ?? []),
    lists,
    suppressions: suppressions.map((s) => ({ channel: s.channel, value: s.value, reason: s.reason, createdAt: iso(s.created_at) })),
    trackedLinks: links.map((l) => plain(l as unknown as Record<string, unknown>)),
    events: events.map((e) => plain(e as unknown as Record<string, unknown>)),
    pluginRecords: records.map((r) => ({ plugin: r.plugin_id, collection: r.collection, key: r.key, value: r.value })),
    exportedAt: new Date().toISOString(),
  };
}

/**
 * Erases one contact in one transaction: the contact, its list memberships and tracked links, every plugin record
 * that names it; its events stay, anonymous (contact_id null), so campaign counts do not change. Its addresses stay
 * suppressed as hashes only (a later import or send cannot reach the person again by accident).
 */
export async function eraseContact(db: Db, workspaceId: string, contactId: string) {
  return db.transaction().execute(async (trx) => {
    const row = await getContactRow(trx, workspaceId, contactId);
    const ids = identifiersOf(row);
    const records = await pluginRecordsOf(trx, workspaceId, ids).select(['plugin_id', 'collection', 'key']).execute();
    for (const r of records)
      await trx
        .deleteFrom('plugin_records')
        .where('workspace_id', '=', workspaceId)
        .where('plugin_id', '=', r.plugin_id)
        .where('collection', '=', r.collection)
        .where('key', '=', r.key)
        .execute();
    const events = await trx
      .updateTable('result_events')
      .set({ contact_id: null })
      .where('workspace_id', '=', workspaceId)
      .where('contact_id', '=', row.id)
      .executeTakeFirst();
    const links = await trx
      .deleteFrom('tracked_links')
      .where('workspace_id', '=', workspaceId)
      .where('contact_id', '=', row.id)
      .executeTakeFirst();
    const channelHashes = [
      ...(row.email ? [['email', addressHash('email', row.email)] as const] : []),
      ...(row.phone ? [['sms', addressHash('sms', row.phone)] as const] : []),
    ];
    for (const [channel, hash] of channelHashes) {
      await trx
        .insertInto('suppressions')
        .values({ workspace_id: workspaceId, channel, value_hash: hash, value: null, reason: 'erased' })
        .onConflict((oc) => oc.columns(['workspace_id', 'channel', 'value_hash']).doUpdateSet({ value: null }))
        .execute();
    }
    await trx.deleteFrom('contacts').where('id', '=', row.id).execute();
    return {
      contacts: 1,
      pluginRecords: records.length,
      trackedLinks: Number(links.numDeletedRows),
      anonymizedEvents: Number(events.numUpdatedRows),
    };
  });
}
