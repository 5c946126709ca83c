import { BRAND_KIT_COLLECTION, type RecalledChunk, type ToolContext, WINNING_CONTENT_COLLECTION } from '@neonhub/sdk';
import { z } from 'zod';

/** A chunk a draft drew on, as its provenance names it (data-trust `record_artifact`'s `memory`). */
export const MemoryRefSchema = z.object({
  chunkId: z.string(),
  documentId: z.string(),
  collection: z.string(),
  title: z.string(),
  source: z.string().nullable(),
});
export type MemoryRef = z.infer<typeof MemoryRefSchema>;

export const ProvenanceSchema = z.object({
  /** Pass to data-trust:record_artifact as is (the lineage fields of the same names). */
  tools: z.array(z.string()),
  prompts: z.array(z.object({ id: z.string(), version: z.string(), variantId: z.string().optional() })),
  model: z.string(),
  memory: z.array(MemoryRefSchema),
  memoryEntries: z.array(z.string()),
  /**
   * used: chunks went into the prompt; empty: memory had nothing for it; unavailable: no memory plugin is enabled;
   * failed: the recall failed (the draft was written without memory; see the log).
   */
  memoryStatus: z.enum(['used', 'empty', 'unavailable', 'failed']),
  /** How long the recall took (ms), null without memory. */
  recallMs: z.number().nullable(),
});
export type Provenance = z.infer<typeof ProvenanceSchema>;

/** What the workspace's brand kit (saved on the console's brand kit page, kept in memory) says beyond its facts. */
export interface BrandFromMemory {
  voice?: string;
  bannedPhrases: string[];
  disclosures: { channel: string; text: string }[];
}

export interface Recalled {
  /** Fact lines for the prompt's key points, most relevant first (the brand kit's product facts before others). */
  facts: string[];
  /** The brand kit's voice, banned phrases and disclosures, when memory holds them. */
  brand: BrandFromMemory;
  /** Past winning drafts (quoted in the system prompt as examples). */
  examples: string[];
  /** The chunks the facts and examples came from. */
  used: MemoryRef[];
  status: Provenance['memoryStatus'];
  recallMs: number | null;
}

/** Facts at most per draft (the offline model quotes the first six key points). */
const MAX_FACTS = 8;
const MAX_FACT_CHARS = 300;
const MAX_EXAMPLE_CHARS = 600;
/** Brand kit chunks per recall: the voice, banned phrases and disclosures (one each, or their empty markers) and facts. */
const BRAND_KIT_LIMIT = 12;
const STOP = new Set(['about', 'with', 'from', 'that', 'this', 'your', 'our', 'the', 'and', 'for', 'who', 'are', 'was', 'will']);

const termsOf = (s: string) =>
  new Set(
    s
      .toLowerCase()
      .match(/[a-z0-9]{3,}/g)
      ?.filter((w) => !STOP.has(w)) ?? [],
  );

/** The statements of a chunk: its lines without headings and list markers, long paragraphs split into sentences. */
export function factLines(text: string): string[] {
  const out: string[] = [];
  for (const raw of text.split('\n')) {
    const line = raw
      .replace(/^\s*(?:[-*•+]|\d+[.)])\s+/, '')
      .replace(/\s+/g, ' ')
      .trim();
    if (!line || /^#{1,6}\s/.test(line) || line.split(' ').length < 3) continue;
    const parts = line.length > MAX_FACT_CHARS ? (line.match(/[^.!?]+[.!?]+(?:\s|$)|[^.!?]+$/g) ?? [line]) : [line];
    for (const p of parts) {
      const t = p.trim();
      if (t.split(' ').length >= 3) out.push(t.length > MAX_FACT_CHARS ? `${t.slice(0, MAX_FACT_CHARS - 1)}…` : t);
    }
  }
  return out;
}

const refOf = (c: RecalledChunk): MemoryRef => ({
  chunkId: c.chunkId,
  documentId: c.documentId,
  collection: c.collection,
  title: c.title,
  source: c.source,
});

const DisclosuresSchema = z.array(z.object({ channel: z.string(), text: z.string() }));

/**
 * The brand kit's sections among recalled chunks (metadata `section`, and `value` for the structured ones): the voice,
 * banned phrases and disclosures, the chunks they came from, and the product-fact chunks.
 */
function brandOf(chunks: RecalledChunk[]): { brand: BrandFromMemory; used: RecalledChunk[]; facts: RecalledChunk[] } {
  const brand: BrandFromMemory = { bannedPhrases: [], disclosures: [] };
  const used: RecalledChunk[] = [];
  const facts: RecalledChunk[] = [];
  for (const c of chunks) {
    // an emptied section's marker: nothing to use
    if (c.metadata.empty === true) continue;
    const value = c.metadata.value;
    if (c.metadata.section === 'voice' && typeof value === 'string' && value.trim()) {
      brand.voice = value.trim();
      used.push(c);
    } else if (c.metadata.section === 'banned') {
      const parsed = z.array(z.string().min(1)).safeParse(value);
      if (parsed.success) {
        brand.bannedPhrases = parsed.data;
        used.push(c);
      }
    } else if (c.metadata.section === 'disclosures') {
      const parsed = DisclosuresSchema.safeParse(value);
      if (parsed.success) {
        brand.disclosures = parsed.data;
        used.push(c);
      }
    } else facts.push(c);
  }
  return { brand, used, facts };
}

/**
 * What the workspace's memory holds for a draft, recalled in parallel through `ctx.memory` by hybrid search: the brand
 * kit (its own collection: voice, banned phrases, disclosures, product facts), other knowledge (every other
 * collection) and past winning content (its own collection). Facts are ranked by how many of the brief's words they
 * share (then the brand kit's first, then by chunk rank), so the first key points are the most relevant ones. Without
 * memory, or when recall fails, the draft is written without (the status says which).
 */
export async function recallForDraft(
  ctx: Pick<ToolContext, 'memory' | 'logger'>,
  brief: { topic: string; audience?: string; keywords: string[] },
): Promise<Recalled> {
  const none: BrandFromMemory = { bannedPhrases: [], disclosures: [] };
  if (!ctx.memory) return { facts: [], brand: none, examples: [], used: [], status: 'unavailable', recallMs: null };
  const query = [brief.topic, brief.audience, ...brief.keywords].filter(Boolean).join(' ');
  const started = performance.now();
  let general: RecalledChunk[];
  let kit: RecalledChunk[];
  let winners: RecalledChunk[];
  try {
    [general, kit, winners] = await Promise.all([
      ctx.memory
        .recall(query, { limit: 6 })
        .then((r) => r.chunks.filter((c) => c.collection !== WINNING_CONTENT_COLLECTION && c.collection !== BRAND_KIT_COLLECTION)),
      ctx.memory.recall(query, { limit: BRAND_KIT_LIMIT, collection: BRAND_KIT_COLLECTION }).then((r) => r.chunks),
      ctx.memory.recall(query, { limit: 2, collection: WINNING_CONTENT_COLLECTION }).then((r) => r.chunks),
    ]);
  } catch (err) {
    ctx.logger.warn({ err, query }, 'memory recall failed: drafting without memory');
    return { facts: [], brand: none, examples: [], used: [], status: 'failed', recallMs: performance.now() - started };
  }
  const recallMs = performance.now() - started;
  const fromKit = brandOf(kit);
  const terms = termsOf(query);
  const candidates = [...fromKit.facts, ...general].flatMap((chunk, rank) =>
    factLines(chunk.text).map((text, i) => {
      const words = termsOf(text);
      const overlap = [...terms].filter((t) => words.has(t)).length;
      return { text, chunk, order: rank * 1000 + i, overlap };
    }),
  );
  const seen = new Set<string>();
  const picked = candidates
    .sort((a, b) => b.overlap - a.overlap || a.order - b.order)
    .filter((c) => {
      const key = c.text.toLowerCase();
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    })
    .slice(0, MAX_FACTS);
  const examples = winners.map((c) => (c.text.length > MAX_EXAMPLE_CHARS ? `${c.text.slice(0, MAX_EXAMPLE_CHARS - 1)}…` : c.text));
  const usedChunks = [...new Map([...fromKit.used, ...picked.map((p) => p.chunk), ...winners].map((c) => [c.chunkId, c])).values()];
  return {
    facts: picked.map((p) => p.text),
    brand: fromKit.brand,
    examples,
    used: usedChunks.map(refOf),
    status: usedChunks.length > 0 ? 'used' : 'empty',
    recallMs,
  };
}

const NO_BRAND: BrandFromMemory = { bannedPhrases: [], disclosures: [] };

/**
 * The brand kit alone (voice, banned phrases, disclosures), for the tools that check or rewrite a draft (revise,
 * check_quality): one hybrid search of the kit's collection. Without memory, or when the recall fails (logged), none.
 */
export async function recallBrand(ctx: Pick<ToolContext, 'memory' | 'logger'>, query: string): Promise<BrandFromMemory> {
  if (!ctx.memory) return NO_BRAND;
  try {
    const r = await ctx.memory.recall(query.slice(0, 4000) || 'brand kit', { limit: BRAND_KIT_LIMIT, collection: BRAND_KIT_COLLECTION });
    return brandOf(r.chunks).brand;
  } catch (err) {
    ctx.logger.warn({ err }, 'brand kit recall failed: checking without it');
    return NO_BRAND;
  }
}
