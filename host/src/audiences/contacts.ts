import type { ContactsTable } from '@neonhub/db';
import { type DB, type Kysely, mapDriverError, type Selectable, sql } from '@neonhub/db';
import type { Contact, ContactInput } from '@neonhub/schemas';
import { ContactInputSchema } from '@neonhub/schemas';
import { audienceErrors } from './errors.js';
import { normalizeEmail, normalizePhone } from './normalize.js';
import { segmentWhere } from './segments.js';

type Db = Kysely<DB>;
type Row = Selectable<ContactsTable>;
const iso = (d: Date | string) => (d instanceof Date ? d.toISOString() : new Date(d).toISOString());

export function toContact(row: Row, lists: string[]): Contact {
  return {
    id: row.id,
    email: row.email,
    phone: row.phone,
    handles: row.handles ?? {},
    attributes: row.attributes ?? {},
    lists,
    createdAt: iso(row.created_at),
    updatedAt: iso(row.updated_at),
  };
}

/** List ids of each contact. */
export async function listsOf(db: Db, ids: readonly string[]): Promise<Map<string, string[]>> {
  const map = new Map<string, string[]>(ids.map((id) => [id, []]));
  if (ids.length === 0) return map;
  const rows = await db.selectFrom('contact_list_members').select(['contact_id', 'list_id']).where('contact_id', 'in', ids).execute();
  for (const r of rows) map.get(r.contact_id)?.push(r.list_id);
  return map;
}

export interface NormalizedContact {
  email: string | null;
  phone: string | null;
  handles: Record<string, string>;
  attributes: Record<string, string | number | boolean | null>;
  lists: string[];
}

export function normalizeContactInput(input: ContactInput): NormalizedContact {
  const c = ContactInputSchema.parse(input);
  return {
    email: c.email ? normalizeEmail(c.email) : null,
    phone: c.phone ? normalizePhone(c.phone) : null,
    handles: c.handles,
    attributes: c.attributes,
    lists: c.lists,
  };
}

/**
 * Creates the contact, or updates the one with the same e-mail address or phone number (attributes and handles
 * merged, the new value winning). Two different contacts matched by e-mail and phone is NH_AUDIENCE_CONTACT_CONFLICT.
 */
export async function upsertContact(db: Db, workspaceId: string, c: NormalizedContact): Promise<{ row: Row; created: boolean }> {
  const matches = await db
    .selectFrom('contacts')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where((eb) => eb.or([...(c.email ? [eb('email', '=', c.email)] : []), ...(c.phone ? [eb('phone', '=', c.phone)] : [])]))
    .execute();
  if (matches.length > 1)
    throw audienceErrors.create('NH_AUDIENCE_CONTACT_CONFLICT', `${c.email} and ${c.phone} belong to two different contacts`, {
      details: { contactIds: matches.map((m) => m.id) },
    });
  const existing = matches[0];
  let row: Row;
  try {
    if (existing) {
      row = await db
        .updateTable('contacts')
        .set({
          email: c.email ?? existing.email,
          phone: c.phone ?? existing.phone,
          handles: JSON.stringify({ ...existing.handles, ...c.handles }),
          attributes: JSON.stringify({ ...existing.attributes, ...c.attributes }),
          updated_at: new Date(),
        })
        .where('id', '=', existing.id)
        .returningAll()
        .executeTakeFirstOrThrow();
    } else {
      row = await db
        .insertInto('contacts')
        .values({
          workspace_id: workspaceId,
          email: c.email,
          phone: c.phone,
          handles: JSON.stringify(c.handles),
          attributes: JSON.stringify(c.attributes),
        })
        .returningAll()
        .executeTakeFirstOrThrow();
    }
  } catch (err) {
    throw mapDriverError(err);
  }
  if (c.lists.length > 0) await addToLists(db, workspaceId, c.lists, [row.id]);
  return { row, created: !existing };
}

/** Adds contacts to lists of the same workspace; a list or contact of another workspace is not found. */
export async function addToLists(db: Db, workspaceId: string, listIds: readonly string[], contactIds: readonly string[]) {
  const lists = await db
    .selectFrom('contact_lists')
    .select('id')
    .where('workspace_id', '=', workspaceId)
    .where('id', 'in', listIds)
    .execute();
  if (lists.length !== new Set(listIds).size)
    throw audienceErrors.create('NH_AUDIENCE_LIST_NOT_FOUND', 'a list named in the request does not exist in this workspace', {
      details: { listIds },
    });
  const contacts = await db
    .selectFrom('contacts')
    .select('id')
    .where('workspace_id', '=', workspaceId)
    .where('id', 'in', contactIds)
    .execute();
  if (contacts.length !== new Set(contactIds).size)
    throw audienceErrors.create('NH_AUDIENCE_CONTACT_NOT_FOUND', 'a contact named in the request does not exist in this workspace');
  const values = lists.flatMap((l) => contacts.map((c) => ({ list_id: l.id, contact_id: c.id })));
  await db
    .insertInto('contact_list_members')
    .values(values)
    .onConflict((oc) => oc.columns(['list_id', 'contact_id']).doNothing())
    .execute();
}

export async function getContactRow(db: Db, workspaceId: string, id: string): Promise<Row> {
  const row = await db.selectFrom('contacts').selectAll().where('workspace_id', '=', workspaceId).where('id', '=', id).executeTakeFirst();
  if (!row) throw audienceErrors.create('NH_AUDIENCE_CONTACT_NOT_FOUND', `no contact ${id} in this workspace`);
  return row;
}

export interface ContactQuery {
  q?: string | undefined;
  listId?: string | undefined;
  segmentId?: string | undefined;
  limit: number;
  offset: number;
}

export async function listContacts(db: Db, workspaceId: string, query: ContactQuery): Promise<{ contacts: Contact[]; total: number }> {
  let base = db.selectFrom('contacts as c').where('c.workspace_id', '=', workspaceId);
  if (query.q) {
    const needle = query.q.toLowerCase();
    base = base.where(
      sql<boolean>`(position(${needle} in coalesce(c.email, '')) > 0 or position(${needle} in coalesce(c.phone, '')) > 0 or position(${needle} in lower(c.attributes::text)) > 0)`,
    );
  }
  if (query.listId) {
    const listId = query.listId;
    base = base.where(({ exists, selectFrom }) =>
      exists(
        selectFrom('contact_list_members as m')
          .select('m.contact_id')
          .where('m.list_id', '=', listId)
          .whereRef('m.contact_id', '=', 'c.id'),
      ),
    );
  }
  if (query.segmentId) {
    const seg = await db
      .selectFrom('segments')
      .select('rule')
      .where('workspace_id', '=', workspaceId)
      .where('id', '=', query.segmentId)
      .executeTakeFirst();
    if (!seg) throw audienceErrors.create('NH_AUDIENCE_SEGMENT_NOT_FOUND', `no segment ${query.segmentId} in this workspace`);
    base = base.where(segmentWhere(seg.rule));
  }
  const [rows, count] = await Promise.all([
    base.selectAll('c').orderBy('c.created_at', 'desc').orderBy('c.id').limit(query.limit).offset(query.offset).execute(),
    base.select((eb) => eb.fn.countAll<string | number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  const lists = await listsOf(
    db,
    rows.map((r) => r.id),
  );
  return { contacts: rows.map((r) => toContact(r, lists.get(r.id) ?? [])), total: Number(count.n) };
}
