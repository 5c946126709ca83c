import { defineTool } from '@neonhub/sdk';
import { z } from 'zod';
import type { DataTrustDeps } from '../deps.js';

const output = z.object({
  type: z.string(),
  workspaceId: z.string(),
  treeSize: z.number().int(),
  rootHash: z.string(),
  headHash: z.string(),
  at: z.string(),
  keyId: z.string(),
  signature: z.string(),
  created: z.boolean(),
});

export function checkpointTool(deps: DataTrustDeps) {
  return defineTool({
    name: 'checkpoint',
    description:
      'Signs a checkpoint now: the RFC 6962 Merkle tree head over every audit entry so far, signed with the workspace’s ed25519 key. Returns the existing one when the log has not grown.',
    input: z.object({}),
    output,
    sideEffect: 'write',
    async run(_input, ctx) {
      const { checkpoint, created } = await deps.log.checkpoint(ctx.store, ctx.workspace.id);
      return { ...checkpoint, created };
    },
  });
}
