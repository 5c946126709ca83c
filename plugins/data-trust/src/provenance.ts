import { createHash } from 'node:crypto';
import type { Actor } from '@neonhub/schemas';
import type { PluginStore } from '@neonhub/sdk';
import { z } from 'zod';
import { computeEntryHash } from './core/entry.js';
import { ENTRIES, entryKey } from './log.js';

export const ARTIFACTS = 'artifacts';
export const BY_HASH = 'artifact-hashes';

/** A retrieved memory chunk as provenance names it: the chunk and its source document (the text is not kept). */
export const MemoryChunkRefSchema = z.object({
  chunkId: z.string().min(1).max(200).describe('The chunk id memory returned.'),
  documentId: z.string().min(1).max(200).describe('The document the chunk belongs to.'),
  collection: z.string().min(1).max(64).describe('The memory collection of the document.'),
  title: z.string().max(500).describe('The document title.'),
  source: z.string().max(2000).nullable().default(null).describe('Where the document came from (a URL, a file name), if known.'),
});
export type MemoryChunkRef = z.infer<typeof MemoryChunkRefSchema>;

export const LineageSchema = z.object({
  tools: z
    .array(z.string().min(1).max(200))
    .max(200)
    .default([])
    .describe('Qualified tools that produced the artifact, in order (plugin-id:tool_name).'),
  prompts: z
    .array(
      z.object({
        id: z.string().min(1).max(200).describe('Prompt id.'),
        version: z.string().min(1).max(100).describe('Prompt version.'),
        variantId: z.string().min(1).max(100).optional().describe('The A/B variant of the prompt that wrote it (e.g. control).'),
      }),
    )
    .max(200)
    .default([])
    .describe('Prompts used, by id and version (and the A/B variant, when the prompt has variants).'),
  model: z
    .string()
    .min(1)
    .max(200)
    .nullable()
    .default(null)
    .describe('The model that wrote it, provider/model (null when no model was used).'),
  memoryEntries: z.array(z.string().min(1).max(200)).max(1000).default([]).describe('Ids of the memory entries the generation drew on.'),
  memory: z
    .array(MemoryChunkRefSchema)
    .max(200)
    .default([])
    .describe('The memory chunks the generation drew on, each with the document it came from (a draft output’s provenance.memory).'),
});
export type Lineage = z.infer<typeof LineageSchema>;
/** A lineage as stored: `memory` only when chunks were named (versions recorded before it have none). */
export type StoredLineage = Omit<Lineage, 'memory'> & { memory?: MemoryChunkRef[] };

export interface ArtifactVersion {
  version: number;
  kind: string;
  /** sha256 (hex) of the content bytes. */
  contentHash: string;
  size: number;
  lineage: StoredLineage;
  recordedAt: string;
  recordedBy: Actor;
  /** The audit entry that recorded this version. */
  auditSeq: number;
  auditHash: string;
}

export interface ArtifactRecord {
  artifactId: string;
  versions: ArtifactVersion[];
}

export interface HashRefs {
  refs: Array<{ artifactId: string; version: number }>;
}

export function contentBytes(content: string, encoding: 'utf8' | 'base64'): Buffer {
  return Buffer.from(content, encoding);
}

export function sha256OfBytes(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

export async function getArtifact(store: PluginStore, artifactId: string) {
  return store.get<ArtifactRecord>(ARTIFACTS, artifactId);
}

/** Adds `ref` to the list of artifacts with this content hash (compare-and-set, retried). */
export async function indexHash(store: PluginStore, contentHash: string, ref: { artifactId: string; version: number }): Promise<void> {
  for (let i = 0; i < 20; i++) {
    const cur = await store.get<HashRefs>(BY_HASH, contentHash);
    const refs = cur?.value.refs ?? [];
    if (refs.some((r) => r.artifactId === ref.artifactId && r.version === ref.version)) return;
    if ((await store.putIf(BY_HASH, contentHash, { refs: [...refs, ref] }, cur?.version ?? 0)) !== null) return;
  }
}

/** Whether the audit entry that recorded a version is still there, unedited, and says the same. */
export async function auditIntact(store: PluginStore, artifactId: string, v: ArtifactVersion): Promise<boolean> {
  const rec = await store.get<Record<string, unknown>>(ENTRIES, entryKey(v.auditSeq));
  if (!rec) return false;
  const entry = rec.value;
  const data = entry.data as Record<string, unknown> | undefined;
  return (
    computeEntryHash(entry) === entry.hash &&
    entry.hash === v.auditHash &&
    entry.kind === 'artifact.recorded' &&
    data?.artifactId === artifactId &&
    data?.contentHash === v.contentHash &&
    data?.version === v.version
  );
}
