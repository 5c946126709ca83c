import { createHash } from 'node:crypto';
import type { DB, Kysely } from '@neonhub/db';
import { type ConnectorEvent, ConnectorEventSchema, type PluginManifest } from '@neonhub/schemas';
import type { SendAttribution } from '@neonhub/sdk';
import type { Logger } from 'pino';
import { CHANNEL_TOOLS } from '../connections/channels.js';
import type { ConnectorEventStore } from '../connections/events.js';
import { contactByAddress, insertEvents, type NewEvent, recordProviderEvents } from './events.js';
import { linkCodeFor } from './links.js';
import { trackLinks } from './track-links.js';

type Db = Kysely<DB>;

/** A connector's external call the outbox has just delivered (once: the outbox settles each message once). */
export interface DeliveredMessage {
  workspaceId: string;
  pluginId: string;
  /** `plugin-id:tool`. */
  tool: string;
  idempotencyKey: string;
  input: unknown;
  output: unknown;
  /** The outbox message id (a queued send's caller knows the message by it until the provider's id is known). */
  outboxId: string;
  deliveredAt: Date;
}

const MAX_NAME = 100;
const text = (v: unknown, max = MAX_NAME) => (typeof v === 'string' && v.trim().length > 0 ? v.trim().slice(0, max) : undefined);
const record = (v: unknown) => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {});
const RUN_KEY = /^run:([0-9a-f-]{36}):/;

/** The addresses a send went to, for channels whose recipients are people (e-mail, SMS). */
function addressesOf(channel: string, input: Record<string, unknown>): string[] {
  if (channel !== 'email' && channel !== 'sms') return [];
  for (const k of ['to', 'recipients', 'recipient', 'phone']) {
    const v = input[k];
    if (typeof v === 'string' && v) return [v];
    if (Array.isArray(v)) return v.filter((x): x is string => typeof x === 'string' && x.length > 0).slice(0, 1000);
  }
  return [];
}

/**
 * The campaign, variant, draft and prompt variant of a send: what its caller registered for the idempotency key (a
 * segment send, an agent's `attribution`), else the provider tags / input it carries (`tags.campaign`, `campaign`,
 * `tags.contentId`), else the run that sent it (`run:<id>`: the key of a run step's call starts with it), else
 * `unattributed`. A registration that names no campaign ('') leaves the campaign to the tags and the run.
 */
async function attributionOf(db: Db, m: DeliveredMessage, input: Record<string, unknown>) {
  const registered = await db
    .selectFrom('send_attributions')
    .select(['campaign', 'variant', 'contact_id', 'content_id', 'prompt_variant'])
    .where('workspace_id', '=', m.workspaceId)
    .where('idempotency_key', '=', m.idempotencyKey)
    .executeTakeFirst();
  return {
    campaign: campaignOf(registered?.campaign, input, m.idempotencyKey),
    variant: variantOf(registered?.variant, input),
    contactId: registered?.contact_id ?? null,
    contentId: text(registered?.content_id) ?? text(record(input.tags).contentId) ?? null,
    promptVariant: text(registered?.prompt_variant) ?? text(record(input.tags).promptVariant) ?? null,
  };
}

/** A send's campaign: the registered one, else its tags' or input's, else the run that sent it, else `unattributed`. */
function campaignOf(registered: string | undefined, input: Record<string, unknown>, idempotencyKey: string): string {
  const run = RUN_KEY.exec(idempotencyKey)?.[1];
  return text(registered) ?? text(record(input.tags).campaign) ?? text(input.campaign) ?? (run ? `run:${run}` : 'unattributed');
}

const variantOf = (registered: string | undefined, input: Record<string, unknown>) =>
  text(registered, 50) ?? text(record(input.tags).variant, 50) ?? text(input.variant, 50) ?? '';

/** The provider's id of a delivered send (the channel contracts' `messageId` / `postId`). */
export function providerIdOf(output: unknown): string | null {
  const o = record(output);
  const id = o.messageId ?? o.postId ?? o.id;
  return typeof id === 'string' ? id.slice(0, 512) : null;
}

/**
 * The `sent` results of one delivered send: one row per recipient of an e-mail or SMS (its contact when the address
 * is one), one per social or chat post (its network in `data`). Keyed `sent:<idempotency key>` (and the recipient
 * when there are several), so a redelivery, a retried job or a caller recording the same send counts once. Only a
 * connector's channel tool (`send`, `post`) is a send; its other external tools (a CRM upsert, a payment link) are not.
 */
export async function sentEventsOf(db: Db, m: DeliveredMessage, manifest: PluginManifest | undefined): Promise<NewEvent[]> {
  const channel = manifest?.connector?.channels.find((c) => `${m.pluginId}:${CHANNEL_TOOLS[c]}` === m.tool);
  if (!channel || channel === 'crm' || channel === 'payments') return [];
  const input = record(m.input);
  const output = record(m.output);
  const a = await attributionOf(db, m, input);
  const messageId = providerIdOf(output) ?? m.outboxId;
  const network = text(input.network, 32) ?? manifest?.connector?.networks[0];
  // when the connector says it sent (a sandbox's recordedAt, a retry's original send): before its delivery events
  const said = typeof output.recordedAt === 'string' ? Date.parse(output.recordedAt) : Number.NaN;
  const occurredAt = !Number.isNaN(said) && said <= m.deliveredAt.getTime() ? new Date(said) : m.deliveredAt;
  const base = {
    workspace_id: m.workspaceId,
    campaign: a.campaign,
    variant: a.variant,
    channel,
    content_id: a.contentId,
    prompt_variant: a.promptVariant,
    kind: 'sent',
    occurred_at: occurredAt,
    message_id: messageId,
    source: `delivery:${m.pluginId}`,
    data: {
      ...(network ? { network } : {}),
      ...(typeof input.connection === 'string' ? { connection: input.connection } : {}),
      ...(output.sandbox === true ? { sandbox: true } : {}),
    },
  };
  const addresses = addressesOf(channel, input);
  if (addresses.length <= 1) {
    const contactId = a.contactId ?? (await contactByAddress(db, m.workspaceId, addresses[0]));
    return [{ ...base, contact_id: contactId, dedupe_key: `sent:${m.idempotencyKey}` }];
  }
  const out: NewEvent[] = [];
  for (const address of addresses) {
    const hash = createHash('sha256').update(address.toLowerCase()).digest('base64url').slice(0, 22);
    out.push({
      ...base,
      contact_id: await contactByAddress(db, m.workspaceId, address),
      dedupe_key: `sent:${m.idempotencyKey}#${hash}`,
    });
  }
  return out;
}

/** The events a sandbox connector's send reports (`events` in its output), as its webhook would deliver them. */
export function sandboxEventsOf(manifest: PluginManifest | undefined, output: unknown): ConnectorEvent[] {
  if (manifest?.connector?.sandbox !== true) return [];
  const events = record(output).events;
  if (!Array.isArray(events)) return [];
  const out: ConnectorEvent[] = [];
  for (const e of events.slice(0, 100)) {
    const parsed = ConnectorEventSchema.safeParse(e);
    if (parsed.success) out.push(parsed.data);
  }
  return out;
}

/** The connection id a sandbox connector's events are stored under in a workspace (it has no connected account). */
export function sandboxConnectionId(workspaceId: string, pluginId: string): string {
  const h = createHash('sha256').update(`sandbox\u0000${workspaceId}\u0000${pluginId}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

export interface DeliveryRecorderDeps {
  db: Db;
  logger: Logger;
  manifest(pluginId: string): PluginManifest | undefined;
  connectorEvents: Pick<ConnectorEventStore, 'record'>;
}

/**
 * What the outbox does with each delivered send (the one place every connector send passes through): writes its
 * `sent` results, forgets the caller's attribution, and stores the events a sandbox connector reports through the
 * webhook path (connector_events and its listeners: consent, results), as a real provider's webhook would. Never throws: the
 * message is delivered whatever happens here (a failure is logged).
 */
export function createDeliveryRecorder(deps: DeliveryRecorderDeps) {
  return async (m: DeliveredMessage): Promise<void> => {
    const manifest = deps.manifest(m.pluginId);
    try {
      const sent = await sentEventsOf(deps.db, m, manifest);
      if (sent.length > 0) await insertEvents(deps.db, sent);
      await deps.db
        .deleteFrom('send_attributions')
        .where('workspace_id', '=', m.workspaceId)
        .where('idempotency_key', '=', m.idempotencyKey)
        .execute();
      const events = sandboxEventsOf(manifest, m.output);
      if (events.length > 0) {
        const stored = await deps.connectorEvents.record(
          { workspaceId: m.workspaceId, connectionId: sandboxConnectionId(m.workspaceId, m.pluginId), pluginId: m.pluginId },
          events,
        );
        // the webhook listeners copy them into the results where the API runs; a worker process has none, so
        // here too (keyed by event id like theirs: counted once either way)
        await recordProviderEvents(
          deps.db,
          m.workspaceId,
          stored.map((e) => ({
            id: e.eventId,
            type: e.type,
            messageId: e.messageId ?? undefined,
            recipient: e.recipient ?? undefined,
            occurredAt: e.occurredAt,
            data: e.data,
          })),
          `webhook:${m.pluginId}`,
        );
      }
    } catch (err) {
      deps.logger.warn({ err, tool: m.tool, messageId: m.outboxId }, 'a delivered send could not be recorded in the results');
    }
  };
}

/** The longest campaign, content id and prompt variant name kept (longer ones are cut). */
const MAX_VARIANT = 50;

/**
 * What a caller says a send is for, cleaned: strings only, trimmed and cut to the results' limits; undefined when it
 * names nothing. A plugin's `attribution` is untrusted input like any other.
 */
export function cleanAttribution(a: unknown): SendAttribution | undefined {
  const r = record(a);
  const out: SendAttribution = {};
  const campaign = text(r.campaign);
  const variant = text(r.variant, MAX_VARIANT);
  const contentId = text(r.contentId);
  const promptVariant = text(r.promptVariant);
  if (campaign) out.campaign = campaign;
  if (variant) out.variant = variant;
  if (contentId) out.contentId = contentId;
  if (promptVariant) out.promptVariant = promptVariant;
  return Object.keys(out).length > 0 ? out : undefined;
}

/**
 * Registers the campaign, variant, contact, draft and prompt variant of a send before it is made (read when it is
 * delivered). A campaign not given is stored as '' (the delivery falls back to the tags and the run).
 */
export async function attributeSend(
  db: Db,
  workspaceId: string,
  idempotencyKey: string,
  a: SendAttribution & { contactId?: string | null },
): Promise<void> {
  const values = {
    campaign: a.campaign ?? '',
    variant: a.variant ?? '',
    content_id: a.contentId ?? null,
    prompt_variant: a.promptVariant ?? null,
  };
  await db
    .insertInto('send_attributions')
    .values({ workspace_id: workspaceId, idempotency_key: idempotencyKey, ...values, contact_id: a.contactId ?? null })
    .onConflict((oc) => oc.columns(['workspace_id', 'idempotency_key']).doUpdateSet(values))
    .execute();
}

/** Where the tracked links of a send point: the host's public URL, and its local one (enough for a sandbox's sends). */
export interface LinkBase {
  /** NEONHUB_PUBLIC_URL: where recipients can reach the /r/ redirect. */
  publicUrl?: string | undefined;
  /** This host on its own port: links only a sandbox connector's sends carry (no person receives them). */
  localUrl: string;
}

/**
 * The pipeline's `attributeSend` (ctx.callTool's `attribution`): registered only for a connector's channel tool (a
 * send or a post), cleaned first; anything else is ignored. When it names a draft (`contentId`), the links of the
 * message become tracked links made for that draft, campaign, variant and channel (and the recipient's contact, for
 * an e-mail or SMS to one known address), so a click on one is that draft's; the input to send is answered. A real
 * connector's message is tracked only when the host has a public URL (NEONHUB_PUBLIC_URL): a link to localhost
 * would not open for the person who receives it, so without one the message goes as written.
 */
export function createSendAttributor(db: Db, manifest: (pluginId: string) => PluginManifest | undefined, base: LinkBase) {
  return async (workspaceId: string, tool: string, idempotencyKey: string, attribution: unknown, input: unknown): Promise<unknown> => {
    const [pluginId = ''] = tool.split(':');
    const connector = manifest(pluginId)?.connector;
    const channel = connector?.channels.find((c) => `${pluginId}:${CHANNEL_TOOLS[c]}` === tool);
    if (!channel) return input;
    const a = cleanAttribution(attribution);
    if (!a) return input;
    await attributeSend(db, workspaceId, idempotencyKey, a);
    const baseUrl = base.publicUrl || (connector?.sandbox === true ? base.localUrl : undefined);
    if (!a.contentId || !baseUrl) return input;
    const fields = record(input);
    const addresses = addressesOf(channel, fields);
    const contactId = addresses.length === 1 ? await contactByAddress(db, workspaceId, addresses[0]) : null;
    const link = {
      campaign: campaignOf(a.campaign, fields, idempotencyKey),
      variant: variantOf(a.variant, fields),
      channel,
      contactId,
      contentId: a.contentId,
      promptVariant: a.promptVariant ?? null,
    };
    return trackLinks(input, baseUrl, (url) => linkCodeFor(db, workspaceId, { ...link, url }));
  };
}
