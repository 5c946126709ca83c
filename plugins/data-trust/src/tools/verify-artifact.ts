import { defineTool } from '@neonhub/sdk';
import { z } from 'zod';
import type { DataTrustDeps } from '../deps.js';
import { BY_HASH, contentBytes, getArtifact, type HashRefs, sha256OfBytes } from '../provenance.js';

const output = z.object({
  contentHash: z.string(),
  match: z.boolean(),
  matches: z.array(
    z.object({
      artifactId: z.string(),
      version: z.number().int(),
      kind: z.string(),
      recordedAt: z.string(),
      auditSeq: z.number().int(),
      latest: z.boolean(),
    }),
  ),
});

export function verifyArtifactTool(_deps: DataTrustDeps) {
  return defineTool({
    name: 'verify_artifact',
    description:
      'Checks whether a piece of content is exactly one that was recorded (byte for byte, by sha256), and which artifact versions it matches. Pass artifactId to check against one artifact only.',
    input: z.object({
      content: z.string().max(10_000_000).describe('The content to check.'),
      encoding: z.enum(['utf8', 'base64']).default('utf8').describe('utf8 for text (default); base64 for binary content.'),
      artifactId: z.string().min(1).max(200).optional().describe('Only match versions of this artifact.'),
    }),
    output,
    sideEffect: 'read',
    async run({ content, encoding, artifactId }, ctx) {
      const contentHash = sha256OfBytes(contentBytes(content, encoding));
      const refs = (await ctx.store.get<HashRefs>(BY_HASH, contentHash))?.value.refs ?? [];
      const matches = [];
      for (const ref of refs) {
        if (artifactId !== undefined && ref.artifactId !== artifactId) continue;
        const versions = (await getArtifact(ctx.store, ref.artifactId))?.value.versions ?? [];
        const v = versions.find((x) => x.version === ref.version);
        if (!v || v.contentHash !== contentHash) continue;
        matches.push({
          artifactId: ref.artifactId,
          version: v.version,
          kind: v.kind,
          recordedAt: v.recordedAt,
          auditSeq: v.auditSeq,
          latest: v.version === versions.length,
        });
      }
      return { contentHash, match: matches.length > 0, matches };
    },
  });
}
