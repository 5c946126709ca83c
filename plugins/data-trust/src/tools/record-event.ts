import { defineTool } from '@neonhub/sdk';
import { z } from 'zod';
import { readConfig } from '../config.js';
import { EntryKindSchema } from '../core/entry.js';
import { assertStorable, type DataTrustDeps } from '../deps.js';
import { dataTrustErrors } from '../errors.js';

/** Kinds only the plugin itself writes, so a caller cannot forge a call record or a provenance record. */
export function isReservedKind(kind: string): boolean {
  return kind === 'tool_call' || kind.startsWith('artifact.') || kind.startsWith('checkpoint.');
}

const input = z.object({
  kind: EntryKindSchema.describe(
    'What happened, as dotted lowercase words: admin.plugin_enabled, admin.member_role_changed, approval.granted, approval.denied, policy.updated.',
  ),
  data: z
    .record(z.string(), z.unknown())
    .default({})
    .describe('Details of the event (ids, old and new values). Keep secrets and personal data out: the log is append-only and exported.'),
});

const output = z.object({
  seq: z.number().int(),
  hash: z.string(),
  at: z.string(),
  checkpoint: z.object({ treeSize: z.number().int(), rootHash: z.string() }).nullable(),
});

export function recordEventTool(deps: DataTrustDeps) {
  return defineTool({
    name: 'record_event',
    description:
      'Appends an event (an admin change, an approval decision, a policy update) to the workspace’s tamper-evident audit log, with the calling actor. Returns its seq and hash.',
    input,
    output,
    sideEffect: 'write',
    async run({ kind, data }, ctx) {
      if (isReservedKind(kind))
        throw dataTrustErrors.create(
          'NH_DATA_TRUST_KIND_RESERVED',
          `kind ${kind} is written by data-trust itself; record your event under another kind`,
          {
            details: { kind },
          },
        );
      assertStorable(data, 'the event data');
      const { entry, checkpoint } = await deps.log.append(
        ctx.store,
        ctx.workspace.id,
        { kind, data: { actor: ctx.actor, callId: ctx.callId, details: data } },
        readConfig(ctx.config).checkpointEvery,
      );
      return {
        seq: entry.seq,
        hash: entry.hash,
        at: entry.at,
        checkpoint: checkpoint ? { treeSize: checkpoint.treeSize, rootHash: checkpoint.rootHash } : null,
      };
    },
  });
}
