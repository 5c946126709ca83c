import { randomUUID } from 'node:crypto';
import type { DB, Kysely } from '@neonhub/db';
import type { ResultKind } from '@neonhub/schemas';
import { audienceErrors } from '../audiences/errors.js';
import { addressHash, normalizeEmail, normalizePhone } from '../audiences/normalize.js';

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
}

/**
 * Inserts events (its UTC day computed here) and adds the new ones to the daily counts, in one transaction; a
 * repeated dedupe key is skipped (and not counted). Returns how many were new.
 */
export async function insertEvents(db: Db, events: readonly NewEvent[]): Promise<number> {
  if (events.length === 0) return 0;
  if (!db.isTransaction) return db.transaction().execute((trx) => insertEvents(trx, events));
  const rows = events.map((e) => ({
    workspace_id: e.workspace_id,
    campaign: e.campaign,
    variant: e.variant ?? '',
    channel: e.channel ?? '',
    contact_id: e.contact_id,
    kind: e.kind,
    occurred_at: e.occurred_at,
    day: e.occurred_at.toISOString().slice(0, 10),
    value: e.value ?? null,
    message_id: e.message_id ?? null,
    link_id: e.link_id ?? null,
    source: e.source,
    dedupe_key: e.dedupe_key ?? `rnd:${randomUUID()}`,
    data: JSON.stringify(e.data ?? {}),
  }));
  const inserted = await db
    .insertInto('result_events')
    .values(rows)
    .onConflict((oc) => oc.columns(['workspace_id', 'dedupe_key']).doNothing())
    .returning(['workspace_id', 'campaign', 'variant', 'channel', 'kind', 'day'])
    .execute();
  const daily = new Map<
    string,
    { workspace_id: string; campaign: string; variant: string; channel: string; kind: string; day: string; count: number }
  >();
  for (const r of inserted) {
    const day = r.day instanceof Date ? r.day.toISOString().slice(0, 10) : String(r.day).slice(0, 10);
    const key = [r.workspace_id, r.campaign, r.variant, r.channel, r.kind, day].join('\u0000');
    const d = daily.get(key);
    if (d) d.count++;
    else
      daily.set(key, {
        workspace_id: r.workspace_id,
        campaign: r.campaign,
        variant: r.variant,
        channel: r.channel,
        kind: r.kind,
        day,
        count: 1,
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

/**
 * Records normalized provider events (ConnectorEvent): each is matched to its send by messageId (the `sent` event
 * recorded when the message went out), which gives its campaign, variant, channel and contact; an event that names
 * its campaign itself is stored as is. An unsubscribe or complaint also suppresses the address.
 */
export async function recordProviderEvents(db: Db, workspaceId: string, events: readonly IncomingEvent[], source = 'provider') {
  let recorded = 0;
  let duplicates = 0;
  let unmatched = 0;
  for (const e of events) {
    if ((e.type === 'unsubscribed' || e.type === 'complained') && e.recipient) await suppress(db, workspaceId, e.recipient, e.type);
    const sent = e.messageId ? await sendOf(db, workspaceId, e.messageId) : undefined;
    const campaign = sent?.campaign ?? e.campaign;
    if (campaign === undefined) {
      unmatched++;
      continue;
    }
    const contactId = sent?.contact_id ?? (await contactByAddress(db, workspaceId, e.recipient));
    const n = await insertEvents(db, [
      {
        workspace_id: workspaceId,
        campaign,
        variant: sent?.variant ?? e.variant ?? '',
        channel: sent?.channel ?? e.channel ?? '',
        contact_id: contactId,
        kind: e.type,
        occurred_at: new Date(e.occurredAt),
        message_id: e.messageId ?? null,
        source,
        dedupe_key: `evt:${e.id}`,
        data: e.data,
      },
    ]);
    if (n === 0) duplicates++;
    else recorded++;
  }
  return { recorded, duplicates, unmatched };
}

/**
 * The `sent` event of a provider message id: recorded under that id when the send answered at once, or under the
 * outbox message's id when the send was queued (the outbox row learns the provider's id when it delivers).
 */
async function sendOf(db: Db, workspaceId: string, messageId: string) {
  const sentAs = (id: string) =>
    db
      .selectFrom('result_events')
      .select(['campaign', 'variant', 'channel', 'contact_id'])
      .where('workspace_id', '=', workspaceId)
      .where('message_id', '=', id)
      .where('kind', '=', 'sent')
      .executeTakeFirst();
  const direct = await sentAs(messageId);
  if (direct) return direct;
  const queued = await db
    .selectFrom('outbox_recipients as r')
    .innerJoin('outbox_messages as m', 'm.id', 'r.message_id')
    .select('m.id')
    .where('m.workspace_id', '=', workspaceId)
    .where('r.provider_message_id', '=', messageId)
    .executeTakeFirst();
  return queued ? sentAs(queued.id) : undefined;
}

/** An unsubscribe or complaint suppresses the address at once, whether or not the event matches a send. */
async function suppress(db: Db, workspaceId: string, recipient: string, reason: string) {
  const channel = recipient.indexOf('@') > 0 ? 'email' : recipient.replace(/[^\d]/g, '').length >= 6 ? 'sms' : undefined;
  if (!channel) return; // a social handle: consent is governance's (the webhook's unsubscribe reaches it)
  await db
    .insertInto('suppressions')
    .values({
      workspace_id: workspaceId,
      channel,
      value_hash: addressHash(channel, recipient),
      value: channel === 'email' ? normalizeEmail(recipient) : normalizePhone(recipient),
      reason,
    })
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
  if (c.click) {
    const click = await db
      .selectFrom('result_events')
      .select(['campaign', 'variant', 'channel', 'contact_id'])
      .where('workspace_id', '=', workspaceId)
      .where('dedupe_key', '=', `click:${c.click}`)
      .executeTakeFirst();
    if (!click) throw audienceErrors.create('NH_RESULTS_CLICK_UNKNOWN', 'this click token was not issued by the workspace');
    ({ campaign, variant, channel } = click);
    contactId = click.contact_id;
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
      occurred_at: c.occurredAt ? new Date(c.occurredAt) : new Date(),
      value: c.value ?? null,
      source,
      dedupe_key: c.id ? `conv:${c.id}` : c.click ? `conv-click:${c.click}` : `conv:${randomUUID()}`,
    },
  ]);
  return { recorded: n > 0, campaign };
}
