import { isDeepStrictEqual } from 'node:util';
import { createKeyedLock, defineTool } from '@neonhub/sdk';
import { z } from 'zod';
import { readConfig } from '../config.js';
import { assertStorable, type DataTrustDeps } from '../deps.js';
import { dataTrustErrors } from '../errors.js';
import {
  ARTIFACTS,
  type ArtifactRecord,
  type ArtifactVersion,
  contentBytes,
  getArtifact,
  indexHash,
  LineageSchema,
  sha256OfBytes,
} from '../provenance.js';

const input = LineageSchema.extend({
  artifactId: z
    .string()
    .min(1)
    .max(200)
    .describe('Your id of the artifact (a draft id, a post id). Recording new content under the same id adds a version.'),
  kind: z.string().min(1).max(100).describe('What it is: email, social_post, blog_post, landing_page, image, ...'),
  content: z.string().max(10_000_000).describe('The content itself; only its sha256 is stored.'),
  encoding: z.enum(['utf8', 'base64']).default('utf8').describe('utf8 for text (default); base64 for binary content such as images.'),
});

const output = z.object({
  artifactId: z.string(),
  version: z.number().int(),
  contentHash: z.string(),
  size: z.number().int(),
  auditSeq: z.number().int(),
  recordedAt: z.string(),
  created: z.boolean(),
});

export function recordArtifactTool(deps: DataTrustDeps) {
  const lock = createKeyedLock();
  return defineTool({
    name: 'record_artifact',
    description:
      'Records the provenance of generated content: its sha256 and lineage (tools, prompt versions, model, the memory chunks it drew on with their source documents), anchored by an audit log entry. The content itself is not stored.',
    input,
    output,
    sideEffect: 'write',
    async run(args, ctx) {
      const { artifactId, kind, content, encoding, tools, prompts, model, memoryEntries, memory } = args;
      // chunk ids named only in `memory` are memory entries too; `memory` is left out when empty (lineage as before)
      const entries = [...new Set([...memoryEntries, ...memory.map((m) => m.chunkId)])];
      const lineage = { tools, prompts, model, memoryEntries: entries, ...(memory.length ? { memory } : {}) };
      assertStorable({ artifactId, kind, lineage }, 'the artifact id, kind and lineage');
      const bytes = contentBytes(content, encoding);
      const contentHash = sha256OfBytes(bytes);
      return lock(`${ctx.workspace.id}\u0000${artifactId}`, async () => {
        for (let attempt = 0; attempt < 5; attempt++) {
          const cur = await getArtifact(ctx.store, artifactId);
          const versions = cur?.value.versions ?? [];
          const latest = versions[versions.length - 1];
          // A retry of the same recording returns what was recorded.
          if (latest && latest.contentHash === contentHash && latest.kind === kind && isDeepStrictEqual(latest.lineage, lineage))
            return {
              artifactId,
              version: latest.version,
              contentHash,
              size: latest.size,
              auditSeq: latest.auditSeq,
              recordedAt: latest.recordedAt,
              created: false,
            };
          const version = versions.length + 1;
          const { entry } = await deps.log.append(
            ctx.store,
            ctx.workspace.id,
            { kind: 'artifact.recorded', data: { artifactId, version, kind, contentHash, size: bytes.length, lineage, actor: ctx.actor } },
            readConfig(ctx.config).checkpointEvery,
          );
          const v: ArtifactVersion = {
            version,
            kind,
            contentHash,
            size: bytes.length,
            lineage,
            recordedAt: entry.at,
            recordedBy: ctx.actor,
            auditSeq: entry.seq,
            auditHash: entry.hash,
          };
          const next: ArtifactRecord = { artifactId, versions: [...versions, v] };
          if ((await ctx.store.putIf(ARTIFACTS, artifactId, next, cur?.version ?? 0)) === null) continue;
          await indexHash(ctx.store, contentHash, { artifactId, version });
          return { artifactId, version, contentHash, size: bytes.length, auditSeq: entry.seq, recordedAt: entry.at, created: true };
        }
        throw dataTrustErrors.create('NH_DATA_TRUST_APPEND_CONFLICT', `artifact ${artifactId} kept changing under another writer; retry`, {
          details: { artifactId },
        });
      });
    },
  });
}
