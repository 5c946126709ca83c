import { createHmac, randomBytes } from 'node:crypto';
import type { PluginStore } from '@neonhub/sdk';
import { canonicalJson } from './core/entry.js';
import { generateSigningKey, type PublicKeyInfo, publicKeyFromRecord, type SigningKeyRecord } from './core/signing.js';

export const META = 'audit-meta';
const SIGNING_KEY = 'signing-key';
const HASH_KEY = 'hash-key';

/**
 * The workspace's ed25519 signing key, generated on first use and kept in this plugin's store.
 * NOTE: the private key belongs in the host's encrypted secrets store; plugins cannot write secrets
 * yet, so it sits in the plugin store (see docs/data-trust.md).
 */
export async function getSigningKey(store: PluginStore, now: () => Date): Promise<SigningKeyRecord> {
  const existing = await store.get<SigningKeyRecord>(META, SIGNING_KEY);
  if (existing) return existing.value;
  const fresh = generateSigningKey(now());
  if ((await store.putIf(META, SIGNING_KEY, fresh, 0)) !== null) return fresh;
  // Someone else created it first: use theirs.
  return (await store.get<SigningKeyRecord>(META, SIGNING_KEY))!.value;
}

export const publicKeyInfo = publicKeyFromRecord;

/** Reads the signing key's public half without creating one (null when none exists yet). */
export async function findPublicKey(store: PluginStore): Promise<PublicKeyInfo | null> {
  const r = await store.get<SigningKeyRecord>(META, SIGNING_KEY);
  return r ? publicKeyInfo(r.value) : null;
}

/** `hmac-sha256:<hex>` of the RFC 8785 JSON of a value (JSON.stringify when it has none, e.g. a lone surrogate). */
export function keyedHash(key: Buffer, value: unknown): string {
  let text: string;
  try {
    text = value === undefined ? 'null' : canonicalJson(value);
  } catch {
    text = JSON.stringify(value) ?? 'null';
  }
  return `hmac-sha256:${createHmac('sha256', key).update(text).digest('hex')}`;
}

/**
 * Keyed hashing of call inputs and outputs. A plain sha256 of a short input (an e-mail address, a
 * phone number) can be reversed by guessing; an HMAC with a per-workspace key cannot, without the key.
 */
export function createInputHasher() {
  const cache = new Map<string, Buffer>();
  async function load(store: PluginStore, workspaceId: string): Promise<Buffer> {
    let rec = await store.get<{ key: string }>(META, HASH_KEY);
    if (!rec) {
      const value = { key: randomBytes(32).toString('base64') };
      if ((await store.putIf(META, HASH_KEY, value, 0)) === null) rec = await store.get<{ key: string }>(META, HASH_KEY);
      else rec = { key: HASH_KEY, value, version: 1, seq: 0, updatedAt: '' };
    }
    const key = Buffer.from(rec!.value.key, 'base64');
    cache.set(workspaceId, key);
    return key;
  }
  return {
    /** The workspace's hash key for {@link keyedHash}: from memory once read (nothing awaited then), created on first use. */
    key: (store: PluginStore, workspaceId: string): Buffer | Promise<Buffer> => cache.get(workspaceId) ?? load(store, workspaceId),
  };
}

export type InputHasher = ReturnType<typeof createInputHasher>;
