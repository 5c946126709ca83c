import type { KeyObject } from 'node:crypto';
import { z } from 'zod';
import { type AuditEntry, canonicalJson } from './entry.js';
import { CHECKPOINT_TYPE, type Checkpoint, keyIdOf, type PublicKeyInfo, toPublicKey } from './signing.js';
import { type VerifyResult, verifyChain } from './verify.js';

export const EXPORT_FORMAT = 'neonhub.audit.export.v1';

export const ExportHeaderSchema = z.object({
  format: z.literal(EXPORT_FORMAT),
  workspaceId: z.string(),
  workspaceSlug: z.string(),
  exportedAt: z.string(),
  count: z.number().int().min(0),
  /** Hash of the last exported entry (the genesis hash when empty). */
  headHash: z.string(),
  publicKey: z.object({ algorithm: z.literal('ed25519'), keyId: z.string(), publicKeyPem: z.string(), createdAt: z.string() }).nullable(),
});
export type ExportHeader = z.infer<typeof ExportHeaderSchema>;

/** The whole log of a workspace, for anchoring and checking outside NeonHub. */
export interface ExportedChain extends ExportHeader {
  entries: AuditEntry[];
  checkpoints: Checkpoint[];
}

/**
 * JSON Lines: the header first, then one RFC 8785 line per entry in seq order, then one line per
 * checkpoint (lines whose `type` is the checkpoint type).
 */
export function toJsonLines(exported: ExportedChain): string {
  const { entries, checkpoints, ...header } = exported;
  const lines = [canonicalJson(header), ...entries.map((e) => canonicalJson(e)), ...checkpoints.map((c) => canonicalJson(c))];
  return `${lines.join('\n')}\n`;
}

/**
 * Reads JSON Lines back. Lines are kept, never dropped: a line that does not parse becomes a `null`
 * entry so the verifier reports it (as an edit) at its position.
 */
export function parseJsonLines(text: string): { header?: ExportHeader; entries: unknown[]; checkpoints: unknown[] } {
  const entries: unknown[] = [];
  const checkpoints: unknown[] = [];
  let header: ExportHeader | undefined;
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  lines.forEach((line, i) => {
    let value: unknown = null;
    try {
      value = JSON.parse(line);
    } catch {
      value = null;
    }
    const obj = typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : undefined;
    if (i === 0 && obj?.format === EXPORT_FORMAT) {
      const h = ExportHeaderSchema.safeParse(obj);
      if (h.success) {
        header = h.data;
        return;
      }
    }
    if (obj?.type === CHECKPOINT_TYPE) checkpoints.push(obj);
    else entries.push(value);
  });
  return header ? { header, entries, checkpoints } : { entries, checkpoints };
}

export interface VerifyExportOptions {
  /**
   * The workspace public key you trust (PEM), pinned from an earlier export or an outside anchor.
   * Without it the key inside the export is used, which proves only that the export is internally
   * consistent: whoever could rewrite the log could also replace that key.
   */
  publicKey?: string | KeyObject;
}

export type VerifyExportResult = VerifyResult & { keySource: 'pinned' | 'export' | 'none'; keyId: string | null };

/** Verifies an export (the object from `export_chain`, or its JSON Lines text) offline. */
export function verifyExport(exported: ExportedChain | string, options: VerifyExportOptions = {}): VerifyExportResult {
  const parsed =
    typeof exported === 'string'
      ? parseJsonLines(exported)
      : { header: exported as ExportHeader, entries: exported.entries as unknown[], checkpoints: exported.checkpoints as unknown[] };
  const embedded: PublicKeyInfo | null = parsed.header?.publicKey ?? null;
  let key: KeyObject | undefined;
  let keySource: VerifyExportResult['keySource'] = 'none';
  if (options.publicKey !== undefined) {
    key = toPublicKey(options.publicKey);
    keySource = 'pinned';
  } else if (embedded) {
    key = toPublicKey(embedded.publicKeyPem);
    keySource = 'export';
  }
  const h = parsed.header;
  const result = verifyChain(
    parsed.entries,
    parsed.checkpoints,
    key,
    h ? { workspaceId: h.workspaceId, ...(h.count > 0 ? { expectedHead: { seq: h.count, hash: h.headHash } } : {}) } : {},
  );
  return { ...result, keySource, keyId: key ? keyIdOf(key) : null };
}
