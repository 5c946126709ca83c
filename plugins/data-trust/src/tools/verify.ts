import type { KeyObject } from 'node:crypto';
import { defineTool } from '@neonhub/sdk';
import { z } from 'zod';
import { toPublicKey } from '../core/signing.js';
import { verifyChain } from '../core/verify.js';
import type { DataTrustDeps } from '../deps.js';
import { dataTrustErrors } from '../errors.js';
import { findPublicKey } from '../keys.js';
import { readCheckpoints, readEntries, readHead } from '../log.js';

const input = z.object({
  publicKeyPem: z
    .string()
    .min(1)
    .optional()
    .describe(
      'The workspace public key you kept (PEM). Without it the key in the store is used, which an attacker with database access could replace.',
    ),
});

const output = z.object({
  ok: z.boolean(),
  count: z.number().int().optional(),
  headHash: z.string().optional(),
  rootHash: z.string().optional(),
  checkpointsVerified: z.number().int().optional(),
  signaturesVerified: z.boolean().optional(),
  problem: z.enum(['edited', 'deleted', 'inserted', 'reordered', 'checkpoint_mismatch', 'bad_signature']).optional(),
  seq: z.number().int().optional(),
  index: z.number().int().nullable().optional(),
  expected: z.string().optional(),
  actual: z.string().optional(),
  message: z.string().optional(),
  keySource: z.enum(['pinned', 'store', 'none']),
});

export function verifyTool(_deps: DataTrustDeps) {
  return defineTool({
    name: 'verify',
    description:
      'Verifies the workspace’s whole audit log: every entry’s hash, seq and link, every signed checkpoint. Names the exact entry that was edited, deleted, inserted or reordered.',
    input,
    output,
    sideEffect: 'read',
    timeoutMs: 300_000,
    async run({ publicKeyPem }, ctx) {
      let pinned: KeyObject | undefined;
      if (publicKeyPem !== undefined) {
        try {
          pinned = toPublicKey(publicKeyPem);
        } catch (cause) {
          throw dataTrustErrors.create('NH_DATA_TRUST_KEY_INVALID', 'publicKeyPem is not an ed25519 public key in PEM (SPKI) form', {
            cause,
          });
        }
      }
      // Read the head and checkpoints before the entries: the log only grows, so everything they cover is read.
      const head = await readHead(ctx.store);
      const checkpoints = await readCheckpoints(ctx.store);
      const entries = await readEntries(ctx.store);
      const stored = pinned ? null : await findPublicKey(ctx.store);
      const key = pinned ?? stored?.publicKeyPem;
      const result = verifyChain(entries, checkpoints, key, {
        workspaceId: ctx.workspace.id,
        ...(head.seq > 0 ? { expectedHead: { seq: head.seq, hash: head.hash } } : {}),
      });
      return { ...result, keySource: pinned ? ('pinned' as const) : stored ? ('store' as const) : ('none' as const) };
    },
  });
}
