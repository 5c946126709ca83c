import { defineTool } from '@neonhub/sdk';
import { z } from 'zod';
import type { AuditEntry } from '../core/entry.js';
import { GENESIS_HASH } from '../core/entry.js';
import { EXPORT_FORMAT, type ExportedChain, toJsonLines } from '../core/export-format.js';
import type { Checkpoint } from '../core/signing.js';
import type { DataTrustDeps } from '../deps.js';
import { findPublicKey } from '../keys.js';
import { readCheckpoints, readEntries } from '../log.js';

const input = z.object({
  encoding: z
    .enum(['object', 'jsonl'])
    .default('object')
    .describe(
      'object: one JSON object with entries and checkpoints; jsonl: JSON Lines text (header, entries, checkpoints), one RFC 8785 line each.',
    ),
});

const output = z.object({
  encoding: z.enum(['object', 'jsonl']),
  count: z.number().int(),
  headHash: z.string(),
  export: z
    .object({
      format: z.literal(EXPORT_FORMAT),
      workspaceId: z.string(),
      workspaceSlug: z.string(),
      exportedAt: z.string(),
      count: z.number().int(),
      headHash: z.string(),
      publicKey: z
        .object({ algorithm: z.literal('ed25519'), keyId: z.string(), publicKeyPem: z.string(), createdAt: z.string() })
        .nullable(),
      // Entries and checkpoints go out exactly as stored, tampered or not, so an outside verifier sees them.
      entries: z.array(z.unknown()),
      checkpoints: z.array(z.unknown()),
    })
    .optional(),
  jsonl: z.string().optional(),
});

export function exportChainTool(deps: DataTrustDeps) {
  return defineTool({
    name: 'export_chain',
    description:
      'Exports the workspace’s audit log (entries, signed checkpoints and the public key) for anchoring and verification outside NeonHub, as an object or as JSON Lines.',
    input,
    output,
    sideEffect: 'read',
    timeoutMs: 300_000,
    async run({ encoding }, ctx) {
      const checkpoints = (await readCheckpoints(ctx.store)) as Checkpoint[];
      const entries = (await readEntries(ctx.store)) as AuditEntry[];
      const last = entries[entries.length - 1] as { hash?: unknown } | undefined;
      const headHash = typeof last?.hash === 'string' ? last.hash : GENESIS_HASH;
      const exported: ExportedChain = {
        format: EXPORT_FORMAT,
        workspaceId: ctx.workspace.id,
        workspaceSlug: ctx.workspace.slug,
        exportedAt: deps.now().toISOString(),
        count: entries.length,
        headHash,
        publicKey: await findPublicKey(ctx.store),
        entries,
        checkpoints,
      };
      return encoding === 'jsonl'
        ? { encoding, count: entries.length, headHash, jsonl: toJsonLines(exported) }
        : { encoding, count: entries.length, headHash, export: exported };
    },
  });
}
