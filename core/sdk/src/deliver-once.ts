import { randomUUID } from 'node:crypto';
import { isNeonHubError } from '@neonhub/schemas';
import { connectorErrors } from './errors.js';
import { fingerprint } from './store-helpers.js';
import type { PluginStore, StoredRecord } from './types.js';

/**
 * Where one idempotency key's delivery stands:
 * - `sending`: an attempt is under way (or its process died mid-call: then after `inFlightMs` it counts as `unknown`);
 * - `unknown`: the last attempt ended without a known outcome (5xx, reset, timeout): it may have been delivered;
 * - `failed`: the provider answered with a refusal (4xx, 429, auth): not delivered, a retry sends again;
 * - `sent`: delivered; `result` is what the first delivery returned.
 */
export type DeliveryState = 'sending' | 'unknown' | 'failed' | 'sent';

export interface DeliveryRecord<R = unknown> {
  idempotencyKey: string;
  /** SHA-256 of the normalized request: a retry must carry the same one. */
  fingerprint: string;
  state: DeliveryState;
  /** Attempts started under this key (1 for a first send). */
  attempts: number;
  /** When the current or last attempt started (ISO 8601). */
  attemptAt: string;
  /** Which attempt holds the record (a re-run claims it by compare-and-set). */
  attemptId: string;
  result?: R;
  /** When the delivery was confirmed (sent, or found by `lookup`). */
  sentAt?: string;
  /** The error code of the last failed or unknown attempt. */
  lastError?: string;
}

export interface DeliverOnceOptions<R> {
  /** The connector's store (`ctx.store`). */
  store: PluginStore;
  /** `ctx.idempotencyKey`. */
  key: string;
  /** The normalized request: a reused key with a different request is NH_CONNECTOR_IDEMPOTENCY_CONFLICT. */
  request: unknown;
  /** Delivers once. Throw the shared connector errors (`providerError`) so the outcome can be classified. */
  send(attempt: { attempt: number; retry: boolean }): Promise<R>;
  /**
   * For providers without an idempotency mechanism: finds the delivery an earlier attempt of unknown outcome
   * may have made (e.g. Twilio's message list filtered by recipient and time). Undefined = not delivered.
   */
  lookup?(record: DeliveryRecord<R>): Promise<R | undefined>;
  /**
   * Maps what `send` or `lookup` threw (a client library's error) to the shared connector error, so the attempt is
   * recorded as refused (`failed`) or of unknown outcome; the mapped error is what deliverOnce throws. Errors that
   * are not NeonHub errors after mapping count as unknown outcomes.
   */
  mapError?(error: unknown): unknown;
  /** Collection in the store (default `deliveries`). */
  collection?: string;
  /** How long a `sending` attempt is presumed alive before a re-run may take over (default 10 s). */
  inFlightMs?: number;
  /** How long a call waits for a concurrent attempt with the same key to finish before answering in_flight (default 2 s). */
  waitMs?: number;
  /** What a delivery is called in messages (`message`, `post`). */
  noun?: string;
  now?: () => number;
}

export interface DeliverOnceResult<R> {
  result: R;
  /** True when an earlier attempt under this key delivered it: nothing was sent now. */
  duplicate: boolean;
  /** How it was settled: sent now, replayed from the record, or found by `lookup`. */
  via: 'sent' | 'recorded' | 'lookup';
  record: DeliveryRecord<R>;
}

const DEFAULT_COLLECTION = 'deliveries';
const DEFAULT_IN_FLIGHT_MS = 10_000;
const DEFAULT_WAIT_MS = 2_000;
const POLL_MS = 20;

/** Errors after which the provider certainly did not deliver (it answered with a refusal). */
const REFUSALS = new Set([
  'NH_CONNECTOR_RATE_LIMITED',
  'NH_CONNECTOR_REJECTED',
  'NH_CONNECTOR_AUTH_FAILED',
  'NH_CONNECTOR_LIMIT_EXCEEDED',
  'NH_CONNECTOR_NOT_CONNECTED',
  'NH_CONNECTOR_IDEMPOTENCY_CONFLICT',
]);

/**
 * Delivers at most once per idempotency key on top of the plugin store: records the attempt before sending,
 * returns the first result with `duplicate: true` on a retry, and — when an attempt's outcome is unknown
 * (the process died mid-call, the provider answered 5xx) — asks `lookup` before sending again. Two concurrent
 * calls with one key: one sends, the other waits up to `waitMs` for its result (then answers NH_CONNECTOR_UNAVAILABLE,
 * `details.reason: "in_flight"`, `retryAfterMs`). A reused key with a different request throws
 * NH_CONNECTOR_IDEMPOTENCY_CONFLICT. Without `lookup`, an unknown outcome is sent again (pass the key to the
 * provider when it deduplicates, e.g. Resend's Idempotency-Key).
 */
export async function deliverOnce<R>(opts: DeliverOnceOptions<R>): Promise<DeliverOnceResult<R>> {
  const collection = opts.collection ?? DEFAULT_COLLECTION;
  const now = opts.now ?? Date.now;
  const noun = opts.noun ?? 'message';
  const fp = fingerprint(opts.request);
  const fresh = (attempts: number): DeliveryRecord<R> => ({
    idempotencyKey: opts.key,
    fingerprint: fp,
    state: 'sending',
    attempts,
    attemptAt: new Date(now()).toISOString(),
    attemptId: randomUUID(),
  });

  const waitMs = opts.waitMs ?? DEFAULT_WAIT_MS;
  const waitUntil = Date.now() + waitMs;
  let current: StoredRecord<DeliveryRecord<R>> | undefined;
  for (;;) {
    current = await opts.store.get<DeliveryRecord<R>>(collection, opts.key);
    if (!current) {
      const mine = fresh(1);
      const version = await opts.store.putIf(collection, opts.key, mine, 0);
      if (version !== null) return attempt(opts, collection, mine, version, false);
      continue;
    }
    const prior = current.value;
    if (prior.fingerprint !== fp) {
      throw connectorErrors.create(
        'NH_CONNECTOR_IDEMPOTENCY_CONFLICT',
        `idempotency key ${opts.key} already delivered a different ${noun}: use a new key for a new ${noun}`,
        { details: { idempotencyKey: opts.key, ...resultId(prior.result) } },
      );
    }
    if (prior.state === 'sent') return { result: prior.result as R, duplicate: true, via: 'recorded', record: prior };
    if (prior.state !== 'sending') break;
    const age = now() - Date.parse(prior.attemptAt);
    const inFlightMs = opts.inFlightMs ?? DEFAULT_IN_FLIGHT_MS;
    if (age >= inFlightMs) break;
    if (Date.now() < waitUntil) {
      // Another attempt is delivering it right now: wait a little for its outcome.
      await new Promise((r) => setTimeout(r, POLL_MS));
      continue;
    }
    const retryAfterMs = Math.max(100, inFlightMs - age);
    throw connectorErrors.create(
      'NH_CONNECTOR_UNAVAILABLE',
      `another attempt with idempotency key ${opts.key} is delivering this ${noun}: retry in ${Math.ceil(retryAfterMs / 1000)} s`,
      { details: { idempotencyKey: opts.key, reason: 'in_flight', retryAfterMs } },
    );
  }
  const prior = current.value;
  // failed, unknown, or a `sending` attempt presumed dead: claim the record, then look up (if the outcome is unknown) or send.
  const mine = { ...fresh(prior.attempts + 1), ...(prior.lastError ? { lastError: prior.lastError } : {}) };
  const version = await opts.store.putIf(collection, opts.key, mine, current.version);
  if (version === null) {
    throw connectorErrors.create(
      'NH_CONNECTOR_UNAVAILABLE',
      `another attempt with idempotency key ${opts.key} took over this ${noun} at the same moment: retry`,
      { details: { idempotencyKey: opts.key, reason: 'in_flight', retryAfterMs: 100 } },
    );
  }
  if (prior.state !== 'failed' && opts.lookup) {
    let found: R | undefined;
    try {
      found = await opts.lookup(prior);
    } catch (e) {
      // The lookup failed: the outcome is still unknown; the next retry looks again.
      const err = opts.mapError ? opts.mapError(e) : e;
      const lastError = isNeonHubError(err) ? err.code : 'NH_CONNECTOR_UNAVAILABLE';
      await settle(opts.store, collection, opts.key, version, { ...mine, state: 'unknown', lastError }).catch(() => undefined);
      throw err;
    }
    if (found !== undefined) {
      const sent = await settle(opts.store, collection, opts.key, version, { ...mine, state: 'sent', result: found, sentAt: iso(now) });
      return { result: found, duplicate: true, via: 'lookup', record: sent };
    }
  }
  return attempt(opts, collection, mine, version, true);
}

async function attempt<R>(
  opts: DeliverOnceOptions<R>,
  collection: string,
  mine: DeliveryRecord<R>,
  version: number,
  retry: boolean,
): Promise<DeliverOnceResult<R>> {
  const now = opts.now ?? Date.now;
  let result: R;
  try {
    result = await opts.send({ attempt: mine.attempts, retry });
  } catch (e) {
    const err = opts.mapError ? opts.mapError(e) : e;
    const code = isNeonHubError(err) ? err.code : 'NH_CONNECTOR_UNAVAILABLE';
    const state: DeliveryState = REFUSALS.has(code) ? 'failed' : 'unknown';
    await settle(opts.store, collection, opts.key, version, { ...mine, state, lastError: code }).catch(() => undefined);
    throw err;
  }
  const sent = await settle(opts.store, collection, opts.key, version, { ...mine, state: 'sent', result, sentAt: iso(now) });
  return { result, duplicate: false, via: 'sent', record: sent };
}

/** Writes the outcome over the attempt this call holds (a write in between would mean two senders: it is kept and reported). */
async function settle<R>(
  store: PluginStore,
  collection: string,
  key: string,
  version: number,
  next: DeliveryRecord<R>,
): Promise<DeliveryRecord<R>> {
  const written = await store.putIf(collection, key, next, version);
  if (written === null) {
    const other = (await store.get<DeliveryRecord<R>>(collection, key)) as StoredRecord<DeliveryRecord<R>> | undefined;
    if (other?.value.state === 'sent') return other.value;
    await store.put(collection, key, next);
  }
  return next;
}

function iso(now: () => number): string {
  return new Date(now()).toISOString();
}

function resultId(result: unknown): Record<string, unknown> {
  if (!result || typeof result !== 'object') return {};
  const r = result as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const k of ['messageId', 'postId', 'id']) if (typeof r[k] === 'string') out[k] = r[k];
  return out;
}

/** Reads the delivery recorded under an idempotency key (for `outbox`-style read tools and reconciliation). */
export async function readDelivery<R>(
  store: PluginStore,
  key: string,
  collection: string = DEFAULT_COLLECTION,
): Promise<DeliveryRecord<R> | undefined> {
  return (await store.get<DeliveryRecord<R>>(collection, key))?.value;
}
