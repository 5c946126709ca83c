import { hash } from 'node:crypto';
import { z } from 'zod';
import { canonicalJsonText } from './canonical-json.js';

/** prevHash of entry 1: 64 zeros. */
export const GENESIS_HASH = '0'.repeat(64);

const Hex64 = z.string().regex(/^[0-9a-f]{64}$/, 'a lowercase hex SHA-256');

/** Kinds are dotted lowercase words: `tool_call`, `artifact.recorded`, `admin.plugin_enabled`, `approval.granted`. */
export const EntryKindSchema = z
  .string()
  .min(1)
  .max(100)
  .regex(/^[a-z][a-z0-9_]*(\.[a-z0-9_]+)*$/, 'kinds are dotted lowercase words, e.g. admin.plugin_enabled');

/**
 * One audit log entry. `hash = sha256(utf8(prevHash + RFC 8785 JSON of the entry without hash))`, hex:
 * the 64 hex characters of the previous hash followed by the canonical JSON, hashed as UTF-8.
 */
export const AuditEntrySchema = z.object({
  seq: z.number().int().min(1),
  prevHash: Hex64,
  at: z.string(),
  kind: EntryKindSchema,
  data: z.record(z.string(), z.unknown()),
  hash: Hex64,
});
export type AuditEntry = z.infer<typeof AuditEntrySchema>;
export type UnsignedEntry = Omit<AuditEntry, 'hash'>;

/** RFC 8785 (JCS) canonical JSON; throws on values JSON cannot carry (NaN, lone surrogates, undefined at the top). */
export function canonicalJson(value: unknown): string {
  const s = canonicalJsonText(value);
  if (s === undefined) throw new TypeError('the value has no JSON representation');
  return s;
}

export function sha256Hex(data: string | Uint8Array): string {
  return hash('sha256', data, 'hex');
}

const HEX64 = /^[0-9a-f]{64}$/;

/**
 * The hash an entry must carry, computed from everything in it except `hash` (extra fields included,
 * so a field added by hand changes the hash). Null when the entry is not an object or its prevHash is
 * not 64 hex characters (a malformed entry never verifies).
 */
export function computeEntryHash(entry: unknown): string | null {
  if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) return null;
  const { hash: _hash, ...rest } = entry as Record<string, unknown>;
  const prev = rest.prevHash;
  if (typeof prev !== 'string' || !HEX64.test(prev)) return null;
  let json: string;
  try {
    json = canonicalJson(rest);
  } catch {
    return null;
  }
  return hash('sha256', prev + json, 'hex');
}

/** Builds the next entry after `prev` (undefined for the first entry). */
export function createEntry(
  prev: { seq: number; hash: string } | undefined,
  fields: { at: string; kind: string; data: Record<string, unknown> },
): AuditEntry {
  const unsigned: UnsignedEntry = {
    seq: (prev?.seq ?? 0) + 1,
    prevHash: prev?.hash ?? GENESIS_HASH,
    at: fields.at,
    kind: fields.kind,
    data: fields.data,
  };
  const h = computeEntryHash(unsigned);
  if (h === null) throw new TypeError('the entry cannot be hashed');
  return { ...unsigned, hash: h };
}

/** Builds `count` chained entries in memory (tests, benchmarks). */
export function buildChain(
  count: number,
  make: (seq: number) => { at: string; kind: string; data: Record<string, unknown> },
): AuditEntry[] {
  const out: AuditEntry[] = [];
  let prev: AuditEntry | undefined;
  for (let i = 1; i <= count; i++) {
    prev = createEntry(prev, make(i));
    out.push(prev);
  }
  return out;
}
