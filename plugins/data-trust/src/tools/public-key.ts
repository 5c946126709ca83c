import { defineTool } from '@neonhub/sdk';
import { z } from 'zod';
import type { DataTrustDeps } from '../deps.js';
import { getSigningKey, publicKeyInfo } from '../keys.js';

const output = z.object({
  algorithm: z.literal('ed25519'),
  keyId: z.string(),
  publicKeyPem: z.string(),
  createdAt: z.string(),
});

export function publicKeyTool(deps: DataTrustDeps) {
  return defineTool({
    name: 'public_key',
    description:
      'Returns the workspace’s ed25519 public key (PEM) and key id that sign audit checkpoints. Keep a copy outside NeonHub and pass it to verify to pin it.',
    input: z.object({}),
    output,
    sideEffect: 'read',
    async run(_input, ctx) {
      return publicKeyInfo(await getSigningKey(ctx.store, deps.now));
    },
  });
}
