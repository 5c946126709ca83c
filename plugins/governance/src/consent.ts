import { randomUUID } from 'node:crypto';
import { ActorSchema } from '@neonhub/schemas';
import type { PluginStore } from '@neonhub/sdk';
import type { CountryCode } from 'libphonenumber-js/max';
import { parsePhoneNumberFromString } from 'libphonenumber-js/max';
import { z } from 'zod';
import { type Channel, ChannelSchema } from './policy/schema.js';
import { updateRecord } from './store-util.js';

export const CONSENT = 'consent';
export const CONSENT_LOG = 'consent_log';
export const SENDS = 'sends';

export const ConsentStatusSchema = z.enum(['granted', 'revoked', 'opt_out']);

/** The consent state of one contact on one channel: the latest event (by `at`) wins. */
export const ConsentRecordSchema = z.object({
  contact: z.string(),
  channel: ChannelSchema,
  status: ConsentStatusSchema,
  source: z.string(),
  /** When the contact gave or withdrew consent (defaults to when it was recorded). */
  at: z.string(),
  recordedBy: ActorSchema,
  recordedAt: z.string(),
});
export type ConsentRecord = z.infer<typeof ConsentRecordSchema>;

/** E-mail: trimmed and lower-cased. SMS: E.164 when libphonenumber can read it (in `region`), else the digits with a leading +. */
export function normalizeContact(channel: Channel, contact: string, region: string): string {
  const c = contact.trim();
  if (channel === 'email') return c.toLowerCase();
  const parsed = parsePhoneNumberFromString(c, region as CountryCode);
  if (parsed?.isPossible()) return parsed.number;
  return c.replace(/[^\d+]/g, '');
}

const keyOf = (channel: Channel, contact: string) => `${channel}:${contact}`;

/** Every consent event recorded for a contact on a channel, in the order they were recorded. */
export async function consentHistory(store: PluginStore, channel: Channel, contact: string, limit: number): Promise<ConsentRecord[]> {
  const rows = await store.list<ConsentRecord>(CONSENT_LOG, { prefix: `${keyOf(channel, contact)} `, limit });
  return rows.map((r) => r.value);
}

export async function getConsent(store: PluginStore, channel: Channel, contact: string): Promise<ConsentRecord | undefined> {
  return (await store.get<ConsentRecord>(CONSENT, keyOf(channel, contact)))?.value;
}

/**
 * Records a consent event: always appended to the consent log; it becomes the contact's state unless a
 * later event (by `at`) is already recorded. Returns the state in force afterwards.
 */
export async function recordConsent(store: PluginStore, event: ConsentRecord): Promise<{ state: ConsentRecord; applied: boolean }> {
  await store.put(CONSENT_LOG, `${keyOf(event.channel, event.contact)} ${event.recordedAt} ${randomUUID()}`, event);
  let applied = false;
  const state = await updateRecord<ConsentRecord>(store, CONSENT, keyOf(event.channel, event.contact), (current) => {
    applied = !current || current.at <= event.at;
    return applied ? event : undefined;
  });
  return { state: state ?? event, applied };
}

/** The recipients at `pointer`: a string or an array of strings; undefined when neither is there. */
export function recipientsAt(value: unknown): string[] | undefined {
  if (typeof value === 'string' && value.trim() !== '') return [value];
  if (Array.isArray(value) && value.length > 0 && value.every((v) => typeof v === 'string' && v.trim() !== '')) return value as string[];
  return undefined;
}

/** Sends older than this are dropped from a contact's send log (the longest frequency window allowed). */
const RETENTION_MS = 744 * 3_600_000;
const MAX_ENTRIES = 1000;

interface SendLog {
  times: string[];
}

/** Records one send to each contact (called from afterToolCall when a channel send succeeded). */
export async function recordSends(store: PluginStore, channel: Channel, contacts: readonly string[], now: Date): Promise<void> {
  const at = now.toISOString();
  const keep = new Date(now.getTime() - RETENTION_MS).toISOString();
  for (const contact of new Set(contacts)) {
    await updateRecord<SendLog>(store, SENDS, keyOf(channel, contact), (log) => ({
      times: [...(log?.times ?? []).filter((t) => t > keep), at].slice(-MAX_ENTRIES),
    }));
  }
}

/** Sends to `contact` on `channel` after `since`. */
export async function countSends(store: PluginStore, channel: Channel, contact: string, since: Date): Promise<number> {
  const log = (await store.get<SendLog>(SENDS, keyOf(channel, contact)))?.value;
  const from = since.toISOString();
  return (log?.times ?? []).filter((t) => t > from).length;
}
