import { type BrandKit, BrandKitSchema, type BrandKitState } from '@neonhub/schemas';
import { BRAND_KIT_COLLECTION, BRAND_KIT_SECTIONS, type BrandKitSection, brandKitKey, type MemoryAccess } from '@neonhub/sdk';

const TITLE: Record<BrandKitSection, string> = {
  voice: 'Brand voice',
  banned: 'Banned phrases',
  disclosures: 'Disclosures',
  facts: 'Product facts',
};

/**
 * A section's document: the text drafts find and quote (hybrid search embeds and indexes it), and for the structured
 * sections the exact value in its metadata (`value`), which drafts and the console read back. Empty: nothing to store.
 */
export function sectionDocument(section: BrandKitSection, kit: BrandKit): { content: string; value?: unknown } | null {
  switch (section) {
    case 'voice':
      return kit.voice ? { content: `Our brand voice: ${kit.voice}`, value: kit.voice } : null;
    case 'banned':
      return kit.bannedPhrases.length
        ? {
            content: ['Phrases our copy never uses:', ...kit.bannedPhrases.map((p) => `- "${p}"`)].join('\n'),
            value: kit.bannedPhrases,
          }
        : null;
    case 'disclosures':
      return kit.disclosures.length
        ? {
            content: ['Disclosures every message must carry, by channel:', ...kit.disclosures.map((d) => `- ${d.channel}: ${d.text}`)].join(
              '\n',
            ),
            value: kit.disclosures,
          }
        : null;
    case 'facts':
      return kit.facts.trim() ? { content: kit.facts.trim() } : null;
  }
}

/** A section's value read back from its stored document (metadata `value`, or the text for the facts). */
function sectionValue(section: BrandKitSection, doc: { content: string; metadata: Record<string, unknown> }): Partial<BrandKit> {
  const v = doc.metadata.value;
  if (section === 'voice') return { voice: typeof v === 'string' ? v : '' };
  if (section === 'banned') return { bannedPhrases: Array.isArray(v) ? v : [] };
  if (section === 'disclosures') return { disclosures: Array.isArray(v) ? v : [] };
  return { facts: doc.content };
}

/**
 * The brand kit in a workspace's memory, through the memory contract (whichever plugin provides it): one document per
 * section in the `brand-kit` collection under the key `brand-kit:<section>`, replaced on every save (an emptied section by
 * a marker document, metadata `empty: true`).
 */
export function brandKitStore(memory: MemoryAccess, provider: string) {
  async function load(): Promise<BrandKitState> {
    const raw: Partial<BrandKit> = {};
    const sections: BrandKitState['sections'] = [];
    // A saved kit has a document for every section (an empty one as a marker), so reading a section never asks memory
    // for a document that is not there (a failed, logged lookup); a kit never saved has none: one search says so.
    const saved = (await memory.recall('brand kit', { collection: BRAND_KIT_COLLECTION, limit: 1 })).chunks.length > 0;
    for (const section of BRAND_KIT_SECTIONS) {
      const doc = saved ? await memory.read(BRAND_KIT_COLLECTION, brandKitKey(section)) : null;
      const empty = !doc || doc.metadata.empty === true;
      if (doc && !empty) Object.assign(raw, sectionValue(section, doc));
      sections.push({ section, documentId: empty ? null : doc.documentId, chunks: empty ? 0 : doc.chunks });
    }
    // a document edited by hand elsewhere may hold anything: what does not parse is left out
    const parsed = BrandKitSchema.safeParse(raw);
    return { kit: parsed.success ? parsed.data : BrandKitSchema.parse({}), provider, sections };
  }

  async function save(kit: BrandKit): Promise<BrandKitState> {
    for (const section of BRAND_KIT_SECTIONS) {
      const doc = sectionDocument(section, kit);
      // an emptied section is replaced by its marker (`empty: true`, which drafts skip), not removed: see load()
      await memory.remember({
        title: TITLE[section],
        content: doc?.content ?? `The brand kit has no ${TITLE[section].toLowerCase()}.`,
        collection: BRAND_KIT_COLLECTION,
        collectionKind: 'brand_voice',
        source: 'brand kit',
        key: brandKitKey(section),
        metadata: { section, tags: ['brand-kit'], ...(doc ? (doc.value === undefined ? {} : { value: doc.value }) : { empty: true }) },
      });
    }
    return load();
  }

  return { load, save };
}
