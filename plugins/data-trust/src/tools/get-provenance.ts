import { defineTool } from '@neonhub/sdk';
import { z } from 'zod';
import type { DataTrustDeps } from '../deps.js';
import { dataTrustErrors } from '../errors.js';
import { auditIntact, getArtifact, MemoryChunkRefSchema } from '../provenance.js';

const output = z.object({
  artifactId: z.string(),
  version: z.number().int(),
  versions: z.number().int(),
  kind: z.string(),
  contentHash: z.string(),
  size: z.number().int(),
  lineage: z.object({
    tools: z.array(z.string()),
    prompts: z.array(z.object({ id: z.string(), version: z.string(), variantId: z.string().optional() })),
    model: z.string().nullable(),
    memoryEntries: z.array(z.string()),
    /** The memory chunks with their source documents (empty for provenance recorded without them). */
    memory: z.array(MemoryChunkRefSchema),
  }),
  recordedAt: z.string(),
  recordedBy: z.object({ type: z.string(), id: z.string(), role: z.string().optional() }),
  audit: z.object({ seq: z.number().int(), hash: z.string(), intact: z.boolean() }),
});

export function getProvenanceTool(_deps: DataTrustDeps) {
  return defineTool({
    name: 'get_provenance',
    description:
      'Returns the recorded provenance of an artifact (latest version, or the one asked for): content hash, tools, prompt versions, model, memory chunks and their source documents, who recorded it, and whether its audit entry is intact.',
    input: z.object({
      artifactId: z.string().min(1).max(200).describe('The artifact id given to record_artifact.'),
      version: z.number().int().min(1).optional().describe('A version number; the latest when omitted.'),
    }),
    output,
    sideEffect: 'read',
    async run({ artifactId, version }, ctx) {
      const rec = await getArtifact(ctx.store, artifactId);
      const versions = rec?.value.versions ?? [];
      const v = version === undefined ? versions[versions.length - 1] : versions.find((x) => x.version === version);
      if (!v)
        throw dataTrustErrors.create(
          'NH_DATA_TRUST_ARTIFACT_NOT_FOUND',
          version === undefined
            ? `no provenance is recorded for artifact ${artifactId}`
            : `artifact ${artifactId} has no version ${version}`,
          { details: { artifactId, ...(version === undefined ? {} : { version }) } },
        );
      return {
        artifactId,
        version: v.version,
        versions: versions.length,
        kind: v.kind,
        contentHash: v.contentHash,
        size: v.size,
        lineage: { ...v.lineage, memory: v.lineage.memory ?? [] },
        recordedAt: v.recordedAt,
        recordedBy: v.recordedBy,
        audit: { seq: v.auditSeq, hash: v.auditHash, intact: await auditIntact(ctx.store, artifactId, v) },
      };
    },
  });
}
