import { apiRoutes, isNeonHubError } from '@neonhub/schemas';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { requestActor } from '../accounts/index.js';
import { addRoute } from '../server/route.js';
import type { ApiDeps } from '../server/routes/deps.js';
import { scoped } from '../server/scopes.js';
import { addToLists, getContactRow, listContacts, listsOf, normalizeContactInput, toContact, upsertContact } from './contacts.js';
import { importContacts } from './csv-import.js';
import { audienceErrors } from './errors.js';
import { addressHash, normalizeEmail, normalizePhone } from './normalize.js';
import { eraseContact, exportContact } from './privacy.js';
import { sendToSegment } from './segment-send.js';
import { segmentSize } from './segments.js';

const iso = (d: Date | string) => (d instanceof Date ? d.toISOString() : new Date(d).toISOString());

/** A duplicate list or segment name is NH_AUDIENCE_NAME_TAKEN. */
async function named<T>(what: string, f: () => Promise<T>): Promise<T> {
  try {
    return await f();
  } catch (err) {
    if ((err as { code?: string }).code === '23505' || (isNeonHubError(err) && err.code === 'NH_DB_CONFLICT'))
      throw audienceErrors.create('NH_AUDIENCE_NAME_TAKEN', `a ${what} with this name already exists`);
    throw err;
  }
}

/** The URL tracked links are served under: the request's own origin (its Host header passed the allow-list). */
export const baseUrlOf = (request: FastifyRequest) => `${request.protocol}://${request.host}`;

/** Audiences (docs/audiences.md): contacts, lists, segments, suppressions, CSV import, export and erasure, sends to a segment. */
export async function audienceRoutes(app: FastifyInstance, { host }: ApiDeps) {
  const db = host.storage.db;

  addRoute(app, apiRoutes.listContacts, async (request) => listContacts(db, scoped(request).workspaceId, request.query));
  addRoute(app, apiRoutes.upsertContact, async (request) => {
    const { workspaceId } = scoped(request);
    const { row, created } = await db.transaction().execute((trx) => upsertContact(trx, workspaceId, normalizeContactInput(request.body)));
    return { contact: toContact(row, (await listsOf(db, [row.id])).get(row.id) ?? []), created };
  });
  addRoute(app, apiRoutes.getContact, async (request) => {
    const row = await getContactRow(db, scoped(request).workspaceId, request.params.contactId);
    return { contact: toContact(row, (await listsOf(db, [row.id])).get(row.id) ?? []) };
  });
  addRoute(app, apiRoutes.exportContact, async (request) => exportContact(db, scoped(request).workspaceId, request.params.contactId));
  addRoute(app, apiRoutes.eraseContact, async (request) => {
    const { workspaceId } = scoped(request);
    const erased = await eraseContact(db, workspaceId, request.params.contactId);
    let tombstone: { seq: number; hash: string } | null = null;
    // the tombstone: an entry of the audit trail, by the audit contract's optional record_event (data-trust's), through
    // the pipeline like `neonhub audit`; none when no single enabled plugin provides it
    const recordEvent = (await host.contracts.providers(workspaceId)).audit?.tools.record_event;
    if (recordEvent) {
      const r = await host.callTool({
        workspace: workspaceId,
        tool: recordEvent,
        input: { kind: 'privacy.contact_erased', data: { contactId: request.params.contactId, ...erased } },
        actor: requestActor(request),
      });
      if (r.status === 'ok') tombstone = { seq: (r.output as { seq: number }).seq, hash: (r.output as { hash: string }).hash };
    }
    return { erased, tombstone };
  });
  addRoute(app, apiRoutes.importContacts, async (request) => importContacts(db, scoped(request).workspaceId, request.body));

  const listView = async (workspaceId: string, id?: string) => {
    let q = db
      .selectFrom('contact_lists as l')
      .leftJoin('contact_list_members as m', 'm.list_id', 'l.id')
      .select(['l.id', 'l.name', 'l.created_at', (eb) => eb.fn.count<string | number>('m.contact_id').as('size')])
      .where('l.workspace_id', '=', workspaceId)
      .groupBy(['l.id', 'l.name', 'l.created_at'])
      .orderBy('l.name');
    if (id) q = q.where('l.id', '=', id);
    return (await q.execute()).map((l) => ({ id: l.id, name: l.name, size: Number(l.size), createdAt: iso(l.created_at) }));
  };
  addRoute(app, apiRoutes.listLists, async (request) => ({ lists: await listView(scoped(request).workspaceId) }));
  addRoute(app, apiRoutes.createList, async (request, reply) => {
    const { workspaceId } = scoped(request);
    const row = await named('list', () =>
      db
        .insertInto('contact_lists')
        .values({ workspace_id: workspaceId, name: request.body.name })
        .returningAll()
        .executeTakeFirstOrThrow(),
    );
    reply.status(201);
    return { list: { id: row.id, name: row.name, size: 0, createdAt: iso(row.created_at) } };
  });
  addRoute(app, apiRoutes.addListMembers, async (request) => {
    const { workspaceId } = scoped(request);
    await addToLists(db, workspaceId, [request.params.listId], request.body.contactIds);
    const [list] = await listView(workspaceId, request.params.listId);
    if (!list) throw audienceErrors.create('NH_AUDIENCE_LIST_NOT_FOUND', `no list ${request.params.listId} in this workspace`);
    return { list };
  });

  addRoute(app, apiRoutes.listSegments, async (request) => {
    const { workspaceId } = scoped(request);
    const rows = await db.selectFrom('segments').selectAll().where('workspace_id', '=', workspaceId).orderBy('name').execute();
    const segments = [];
    for (const s of rows)
      segments.push({
        id: s.id,
        name: s.name,
        rule: s.rule as never,
        size: await segmentSize(db, workspaceId, s.rule),
        createdAt: iso(s.created_at),
      });
    return { segments };
  });
  addRoute(app, apiRoutes.createSegment, async (request, reply) => {
    const { workspaceId } = scoped(request);
    for (const c of request.body.rule.conditions)
      if (c.field === 'list') {
        const l = await db
          .selectFrom('contact_lists')
          .select('id')
          .where('workspace_id', '=', workspaceId)
          .where('id', '=', c.listId)
          .executeTakeFirst();
        if (!l)
          throw audienceErrors.create('NH_AUDIENCE_LIST_NOT_FOUND', `the rule names list ${c.listId}, which is not in this workspace`);
      }
    const row = await named('segment', () =>
      db
        .insertInto('segments')
        .values({ workspace_id: workspaceId, name: request.body.name, rule: JSON.stringify(request.body.rule) })
        .returningAll()
        .executeTakeFirstOrThrow(),
    );
    reply.status(201);
    return {
      segment: {
        id: row.id,
        name: row.name,
        rule: request.body.rule,
        size: await segmentSize(db, workspaceId, row.rule),
        createdAt: iso(row.created_at),
      },
    };
  });
  addRoute(app, apiRoutes.sendToSegment, async (request) => {
    const { workspaceId } = scoped(request);
    const ws = await host.storage.service.resolveWorkspace(workspaceId);
    return sendToSegment(
      { db, callTool: host.callTool, baseUrl: baseUrlOf(request) },
      { id: ws.id, slug: ws.slug },
      request.params.segmentId,
      request.body,
      requestActor(request),
    );
  });

  addRoute(app, apiRoutes.listSuppressions, async (request) => {
    const rows = await db
      .selectFrom('suppressions')
      .selectAll()
      .where('workspace_id', '=', scoped(request).workspaceId)
      .orderBy('created_at', 'desc')
      .orderBy('channel')
      .orderBy('value_hash')
      .limit(1000)
      .execute();
    return { suppressions: rows.map((s) => ({ channel: s.channel, value: s.value, reason: s.reason, createdAt: iso(s.created_at) })) };
  });
  addRoute(app, apiRoutes.addSuppression, async (request, reply) => {
    const { workspaceId } = scoped(request);
    const { channel, value, reason } = request.body;
    const normalized = channel === 'email' ? normalizeEmail(value) : channel === 'sms' ? normalizePhone(value) : value;
    const row = await db
      .insertInto('suppressions')
      .values({ workspace_id: workspaceId, channel, value_hash: addressHash(channel, value), value: normalized, reason })
      .onConflict((oc) => oc.columns(['workspace_id', 'channel', 'value_hash']).doUpdateSet({ reason }))
      .returningAll()
      .executeTakeFirstOrThrow();
    reply.status(201);
    return { suppression: { channel: row.channel, value: row.value, reason: row.reason, createdAt: iso(row.created_at) } };
  });
}
