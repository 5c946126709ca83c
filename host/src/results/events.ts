import { randomUUID } from 'node:crypto';
import type { DB, Kysely } from '@neonhub/db';
import type { ResultKind } from '@neonhub/schemas';
import { audienceErrors } from '../audiences/errors.js';
import { addressHash, normalizeEmail, normalizePhone } from '../audiences/normalize.js';
import { dayIn, zonesOf } from './days.js';

type Db = Kysely<DB>;

export interface NewEvent {
  workspace_id: string;
  campaign: string;
  variant?: string;
  channel?: string;
  contact_id: string | null;
  kind: ResultKind | string;
  occurred_at: Date;
  value?: number | null;
  message_id?: string | null;
  link_id?: string | null;
  source: string;
  dedupe_key?: string;
  data?: Record<string, unknown>;
  /** How much the event adds to the daily count (default 1): a pulled metric's increase since the last pull. */
  count?: number;
  /** The draft the send carried and the prompt variant that wrote it (null: none). */
  content_id?: string | null;
  prompt_variant?: string | null;
}

/**
 * Inserts events (each one's day computed here, in its workspace's time zone: results/days.ts) and adds the new ones
 * to the daily counts, in one transaction; a repeated dedupe key is skipped (and not counted). Returns how many were new.
 */
export async function insertEvents(db: Db, events: readonly NewEvent[]): Promise<number> {
  if (events.length === 0) return 0;
  if (!db.isTransaction) return db.transaction().execute((trx) => insertEvents(trx, events));
  const zones = await zonesOf(
    db,
    events.map((e) => e.workspace_id),
  );
  const rows = events.map((e) => ({
    workspace_id: e.workspace_id,
    campaign: e.campaign,
    variant: e.variant ?? '',
    channel: e.channel ?? '',
    contact_id: e.contact_id,
    kind: e.kind,
    occurred_at: e.occurred_at,
    day: dayIn(e.occurred_at, zones.get(e.workspace_id) ?? 'UTC'),
    value: e.value ?? null,
    message_id: e.message_id ?? null,
    link_id: e.link_id ?? null,
    source: e.source,
    dedupe_key: e.dedupe_key ?? `rnd:${randomUUID()}`,
    data: JSON.stringify(e.data ?? {}),
    content_id: e.content_id ?? null,
    prompt_variant: e.prompt_variant ?? null,
  }));
  const weights = new Map<string, number>();
  events.forEach((e, i) => {
    if (e.count !== undefined && e.count !== 1) weights.set(rows[i]!.dedupe_key, e.count);
  });
  const inserted = await db
    .insertInto('result_events')
    .values(rows)
    .onConflict((oc) => oc.columns(['workspace_id', 'dedupe_key']).doNothing())
    .returning(['workspace_id', 'campaign', 'variant', 'channel', 'kind', 'day', 'dedupe_key'])
    .execute();
  const daily = new Map<
    string,
    { workspace_id: string; campaign: string; variant: string; channel: string; kind: string; day: string; count: number }
  >();
  for (const r of inserted) {
    const day = r.day instanceof Date ? r.day.toISOString().slice(0, 10) : String(r.day).slice(0, 10);
    const key = [r.workspace_id, r.campaign, r.variant, r.channel, r.kind, day].join('\u0000');
    const weight = weights.get(r.dedupe_key) ?? 1;
    const d = daily.get(key);
    if (d) d.count += weight;
    else
      daily.set(key, {
        workspace_id: r.workspace_id,
        campaign: r.campaign,
        variant: r.variant,
        channel: r.channel,
        kind: r.kind,
        day,
        count: weight,
      });
  }
  if (daily.size > 0)
    await db
      .insertInto('result_daily')
      .values([...daily.values()])
      .onConflict((oc) =>
        oc
          .columns(['workspace_id', 'campaign', 'variant', 'channel', 'kind', 'day'])
          .doUpdateSet({ count: (eb) => eb(eb.ref('result_daily.count'), '+', eb.ref('excluded.count')) }),
      )
      .execute();
  return inserted.length;
}

/** The contact an address names in the workspace (e-mail or phone). */
export async function contactByAddress(db: Db, workspaceId: string, address: string | undefined): Promise<string | null> {
  if (!address) return null;
  const isEmail = address.includes('@');
  const row = await db
    .selectFrom('contacts')
    .select('id')
    .where('workspace_id', '=', workspaceId)
    .where(isEmail ? 'email' : 'phone', '=', isEmail ? normalizeEmail(address) : normalizePhone(address))
    .executeTakeFirst();
  return row?.id ?? null;
}

export interface IncomingEvent {
  id: string;
  type: ResultKind;
  messageId?: string | undefined;
  recipient?: string | undefined;
  occurredAt: string;
  data: Record<string, unknown>;
  campaign?: string | undefined;
  variant?: string | undefined;
  channel?: string | undefined;
}

/** Events per multi-row insert (14 parameters a row: well under Postgres's 65,535). */
const BATCH = 2000;

/**
 * Records normalized provider events (ConnectorEvent): each is matched to its send by messageId (the `sent` event
 * recorded when the message went out), which gives its campaign, variant, channel and contact; an event that names
 * its campaign itself is stored as is. An unsubscribe or complaint also suppresses the address. A batch is one
 * transaction of a few set-based statements (the sends of its message ids, their contacts, the suppressions, one
 * multi-row insert per 2,000 events), not a round of queries per event.
 *
 * An event dated after it reached the host (a provider's clock ahead of ours, or the sandbox's simulated opens and
 * clicks, minutes after the send they are reported with) is counted when it was received (`receivedAt`): a result
 * cannot have happened later than now, so a read of the days up to today (the learning schedule's scoring, the
 * analytics pages) counts it even when its own date falls on tomorrow. `connector_events` keeps the date reported.
 */
export interface RecordedEvents {
  recorded: number;
  duplicates: number;
  unmatched: number;
}

export async function recordProviderEvents(
  db: Db,
  workspaceId: string,
  events: readonly IncomingEvent[],
  source = 'provider',
  receivedAt = new Date(),
): Promise<RecordedEvents> {
  if (events.length === 0) return { recorded: 0, duplicates: 0, unmatched: 0 };
  if (!db.isTransaction) return db.transaction().execute((trx) => recordProviderEvents(trx, workspaceId, events, source, receivedAt));
  await suppressAll(
    db,
    workspaceId,
    events.filter((e) => (e.type === 'unsubscribed' || e.type === 'complained') && e.recipient),
  );
  const sends = await sendsOf(db, workspaceId, [...new Set(events.flatMap((e) => (e.messageId ? [e.messageId] : [])))]);
  const contacts = await contactsByAddress(db, workspaceId, [...new Set(events.flatMap((e) => (e.recipient ? [e.recipient] : [])))]);
  let unmatched = 0;
  const rows: NewEvent[] = [];
  for (const e of events) {
    const candidates = e.messageId ? sends.get(e.messageId) : undefined;
    const byAddress = e.recipient ? (contacts.get(addressKey(e.recipient)) ?? null) : null;
    // a message to several recipients has a `sent` per recipient: the event's recipient picks its own
    const sent = candidates?.find((c) => byAddress !== null && c.contact_id === byAddress) ?? candidates?.[0];
    const campaign = sent?.campaign ?? e.campaign;
    if (campaign === undefined) {
      unmatched++;
      continue;
    }
    const row = {
      workspace_id: workspaceId,
      campaign,
      variant: sent?.variant ?? e.variant ?? '',
      channel: sent?.channel ?? e.channel ?? '',
      contact_id: candidates && candidates.length > 1 ? (byAddress ?? sent?.contact_id ?? null) : (sent?.contact_id ?? byAddress),
      // the send's draft and prompt variant: its opens and clicks are that draft's engagement
      content_id: sent?.content_id ?? null,
      prompt_variant: sent?.prompt_variant ?? null,
    };
    // a `sent` earlier in this batch is the send of the events after it, as if it had been recorded first
    if (e.type === 'sent' && e.messageId) sends.set(e.messageId, [...(candidates ?? []), row]);
    rows.push({
      ...row,
      kind: e.type,
      occurred_at: new Date(Math.min(Date.parse(e.occurredAt), receivedAt.getTime())),
      message_id: e.messageId ?? null,
      source,
      dedupe_key: `evt:${e.id}`,
      data: e.data,
    });
  }
  let recorded = 0;
  for (let i = 0; i < rows.length; i += BATCH) recorded += await insertEvents(db, rows.slice(i, i + BATCH));
  return { recorded, duplicates: rows.length - recorded, unmatched };
}

type SendRow = {
  campaign: string;
  variant: string;
  channel: string;
  contact_id: string | null;
  content_id: string | null;
  prompt_variant: string | null;
};

/**
 * The `sent` events of provider message ids: recorded under that id when the send answered at once, or under the
 * outbox message's id when the send was queued (the outbox row learns the provider's id when it delivers).
 */
async function sendsOf(db: Db, workspaceId: string, messageIds: string[]): Promise<Map<string, SendRow[]>> {
  const out = new Map<string, SendRow[]>();
  const sentAs = async (ids: string[]) => {
    const found = new Map<string, SendRow[]>();
    for (let i = 0; i < ids.length; i += BATCH) {
      const rows = await db
        .selectFrom('result_events')
        .select(['message_id', 'campaign', 'variant', 'channel', 'contact_id', 'content_id', 'prompt_variant'])
        .where('workspace_id', '=', workspaceId)
        .where('kind', '=', 'sent')
        .where('message_id', 'in', ids.slice(i, i + BATCH))
        .orderBy('id')
        .execute();
      for (const r of rows) found.set(r.message_id!, [...(found.get(r.message_id!) ?? []), r]);
    }
    return found;
  };
  const direct = await sentAs(messageIds);
  for (const [id, rows] of direct) out.set(id, rows);
  const missing = messageIds.filter((id) => !direct.has(id));
  for (let i = 0; i < missing.length; i += BATCH) {
    const queued = await db
      .selectFrom('outbox_recipients as r')
      .innerJoin('outbox_messages as m', 'm.id', 'r.message_id')
      .select(['m.id', 'r.provider_message_id'])
      .where('m.workspace_id', '=', workspaceId)
      .where('r.provider_message_id', 'in', missing.slice(i, i + BATCH))
      .execute();
    const byOutbox = await sentAs([...new Set(queued.map((q) => q.id))]);
    for (const q of queued) {
      const rows = byOutbox.get(q.id);
      if (rows && q.provider_message_id && !out.has(q.provider_message_id)) out.set(q.provider_message_id, rows);
    }
  }
  return out;
}

const addressKey = (address: string) => (address.includes('@') ? `e:${normalizeEmail(address)}` : `p:${normalizePhone(address)}`);

/** The contacts the addresses name in the workspace, by addressKey. */
async function contactsByAddress(db: Db, workspaceId: string, addresses: string[]): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const emails = [...new Set(addresses.filter((a) => a.includes('@')).map(normalizeEmail))];
  const phones = [...new Set(addresses.filter((a) => !a.includes('@')).map(normalizePhone))].filter((p) => p.length > 0);
  for (let i = 0; i < emails.length; i += BATCH) {
    const rows = await db
      .selectFrom('contacts')
      .select(['id', 'email'])
      .where('workspace_id', '=', workspaceId)
      .where('email', 'in', emails.slice(i, i + BATCH))
      .execute();
    for (const r of rows) if (r.email) out.set(`e:${r.email}`, r.id);
  }
  for (let i = 0; i < phones.length; i += BATCH) {
    const rows = await db
      .selectFrom('contacts')
      .select(['id', 'phone'])
      .where('workspace_id', '=', workspaceId)
      .where('phone', 'in', phones.slice(i, i + BATCH))
      .execute();
    for (const r of rows) if (r.phone) out.set(`p:${r.phone}`, r.id);
  }
  return out;
}

/** Unsubscribes and complaints suppress their addresses at once, whether or not the events match a send. */
async function suppressAll(db: Db, workspaceId: string, events: readonly IncomingEvent[]) {
  const rows = new Map<string, { workspace_id: string; channel: string; value_hash: string; value: string; reason: string }>();
  for (const e of events) {
    const recipient = e.recipient!;
    const channel = recipient.indexOf('@') > 0 ? 'email' : recipient.replace(/[^\d]/g, '').length >= 6 ? 'sms' : undefined;
    if (!channel) continue; // a social handle: consent is governance's (the webhook's unsubscribe reaches it)
    const value_hash = addressHash(channel, recipient);
    const key = `${channel}\u0000${value_hash}`;
    if (!rows.has(key))
      rows.set(key, {
        workspace_id: workspaceId,
        channel,
        value_hash,
        value: channel === 'email' ? normalizeEmail(recipient) : normalizePhone(recipient),
        reason: e.type,
      });
  }
  if (rows.size === 0) return;
  await db
    .insertInto('suppressions')
    .values([...rows.values()])
    .onConflict((oc) => oc.columns(['workspace_id', 'channel', 'value_hash']).doNothing())
    .execute();
}

export interface ConversionInput {
  click?: string | undefined;
  contactId?: string | undefined;
  email?: string | undefined;
  campaign?: string | undefined;
  /** Without a click token: the variant and channel the conversion is credited to (a tagged payment link). */
  variant?: string | undefined;
  channel?: string | undefined;
  id?: string | undefined;
  value?: number | undefined;
  occurredAt?: string | undefined;
}

/**
 * Records a conversion. A click token ties it to the click's campaign, variant, channel and contact; otherwise
 * the contact (by id or e-mail) and a campaign name. Attribution (attribution.ts) credits the contact's touchpoints.
 */
export async function recordConversion(db: Db, workspaceId: string, c: ConversionInput, source: string) {
  let campaign = c.campaign ?? null;
  let variant = c.variant ?? '';
  let channel = c.channel ?? '';
  let contactId: string | null = null;
  let content: { content_id: string | null; prompt_variant: string | null } = { content_id: null, prompt_variant: null };
  if (c.click) {
    const click = await db
      .selectFrom('result_events')
      .select(['campaign', 'variant', 'channel', 'contact_id', 'content_id', 'prompt_variant'])
      .where('workspace_id', '=', workspaceId)
      .where('dedupe_key', '=', `click:${c.click}`)
      .executeTakeFirst();
    if (!click) throw audienceErrors.create('NH_RESULTS_CLICK_UNKNOWN', 'this click token was not issued by the workspace');
    ({ campaign, variant, channel } = click);
    contactId = click.contact_id;
    content = { content_id: click.content_id, prompt_variant: click.prompt_variant };
  }
  if (!contactId && c.contactId) {
    const row = await db
      .selectFrom('contacts')
      .select('id')
      .where('workspace_id', '=', workspaceId)
      .where('id', '=', c.contactId)
      .executeTakeFirst();
    if (!row) throw audienceErrors.create('NH_AUDIENCE_CONTACT_NOT_FOUND', `no contact ${c.contactId} in this workspace`);
    contactId = row.id;
  }
  if (!contactId && c.email) contactId = await contactByAddress(db, workspaceId, c.email);
  if (campaign === null && contactId) {
    const last = await db
      .selectFrom('result_events')
      .select('campaign')
      .where('workspace_id', '=', workspaceId)
      .where('contact_id', '=', contactId)
      .where('kind', '=', 'clicked')
      .orderBy('occurred_at', 'desc')
      .orderBy('id', 'desc') // two clicks in one millisecond: the same one every time
      .executeTakeFirst();
    campaign = last?.campaign ?? null;
  }
  if (campaign === null)
    throw audienceErrors.create('NH_RESULTS_CONVERSION_UNATTRIBUTED', 'give a click token, a known contact with a click, or a campaign');
  const n = await insertEvents(db, [
    {
      workspace_id: workspaceId,
      campaign,
      variant,
      channel,
      contact_id: contactId,
      kind: 'converted',
      ...content,
      occurred_at: c.occurredAt ? new Date(c.occurredAt) : new Date(),
      value: c.value ?? null,
      source,
      dedupe_key: c.id ? `conv:${c.id}` : c.click ? `conv-click:${c.click}` : `conv:${randomUUID()}`,
    },
  ]);
  return { recorded: n > 0, campaign };
}
