import {
  createPromptRegistry,
  definePrompt,
  type PluginStore,
  type PromptRegistry,
  type PromptVariables,
  storePromptOutcomes,
} from '@neonhub/sdk';
import type { Config } from './config.js';
import type { BrandFromMemory } from './memory.js';
import { type Draft, type Kind, type Length, TARGET_WORDS } from './model.js';

export interface DraftRequest {
  kind: Kind;
  topic: string;
  audience?: string;
  keywords: string[];
  length: Length;
  /** Snippets the orchestrator retrieved (memory, brand facts). */
  context: string[];
  /** Fact lines the draft recalled from the workspace's memory (brand voice, product facts). */
  memoryFacts?: string[];
}

const ASK: Record<Kind, string> = {
  blog: 'Write a blog post',
  email: 'Write a marketing e-mail',
  social: 'Write a social post',
};

const ROLE: Record<Kind, string> = {
  blog: 'Structure it with a title, short sections with headings, and a closing call to action.',
  email: 'Start with "Subject:" on the first line, then the body; keep one clear call to action.',
  social: 'Keep it to a few lines with at most three hashtags.',
};

/**
 * The system prompt carries the brand (Tone:, one line the offline model reads as a setting too),
 * the rules and the banned phrases; the task's first line names the kind and the topic
 * ("Write a blog post about …"), which is also what the offline model keys its template on.
 */
export function systemPrompt(config: Config, examples: string[] = [], brand?: BrandFromMemory, kind?: Kind): string {
  // the brand kit in memory first; the plugin's config is the fallback
  const voice = brand?.voice ?? config.brandVoice;
  const banned = bannedPhrasesOf(config, brand);
  const disclosures = kind ? disclosuresOf(brand, kind) : [];
  return [
    "You are NeonHub's content writer for a marketing team.",
    voice ? `Tone: ${voice.replace(/\s+/g, ' ').trim()}` : 'Tone: clear, friendly and specific',
    'Write plain, concrete sentences. Do not invent facts, prices or dates that the brief does not give.',
    ...(banned.length ? [`Never use these phrases: ${banned.map((p) => `"${p}"`).join(', ')}.`] : []),
    ...(disclosures.length ? [`End with these disclosures, word for word: ${disclosures.map((d) => `"${d}"`).join(' ')}`] : []),
    // quoted with "> " so that no line reads as a key point or a setting (the offline model keys on those)
    ...examples.flatMap((e, i) => [
      i === 0 ? 'Past content of this brand that performed well (learn from what worked; do not copy it):' : '',
      ...e.split('\n').map((l) => `> ${l}`),
    ]),
  ].join('\n');
}

/** The brand kit's disclosures a kind of content must carry word for word (the kit's channel names are the kinds). */
export function disclosuresOf(brand: BrandFromMemory | undefined, kind: Kind): string[] {
  return (brand?.disclosures ?? []).filter((d) => d.channel === kind).map((d) => d.text);
}

/** The banned phrases of the config and of the brand kit in memory, once each (case-insensitive). */
export function bannedPhrasesOf(config: Config, brand?: BrandFromMemory): string[] {
  const seen = new Set<string>();
  return [...(config.bannedPhrases ?? []), ...(brand?.bannedPhrases ?? [])].filter((p) => {
    const k = p.toLowerCase();
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

/**
 * The draft task, versioned, with an A/B variant. The first line names the kind and the topic in every variant
 * (the offline model keys its template on it); `details` holds the optional lines (audience, length, keywords,
 * key points).
 */
export const DRAFT_PROMPT = definePrompt({
  id: 'agent-content.draft',
  version: '1.0.0',
  description: "The task of a content draft. Variant benefit-first asks the model to open with the reader's main benefit.",
  template: '{{ask}} about {{topic}}.\n{{details}}',
  variables: ['ask', 'topic', 'details'],
  variants: [
    {
      id: 'benefit-first',
      template: '{{ask}} about {{topic}}.\nOpen with the one benefit that matters most to the reader, in the first sentence.\n{{details}}',
    },
  ],
});

/** The content agent's prompts, with A/B outcomes kept in the plugin's store. */
export function contentPrompts(store: PluginStore): PromptRegistry {
  const registry = createPromptRegistry({ store: storePromptOutcomes(store) });
  registry.register(DRAFT_PROMPT);
  return registry;
}

/**
 * Records what became of a draft under the prompt variant that wrote it (`drafted` when written, `edited` or
 * `revised` on a new version, and whatever record_outcome is told). Nothing for a draft from before prompts
 * were tracked.
 */
export async function recordDraftOutcome(prompts: PromptRegistry, draft: Draft, outcome: string, value?: number): Promise<void> {
  if (!draft.prompt) return;
  await prompts.recordOutcome({
    promptId: draft.prompt.id,
    version: draft.prompt.version,
    variantId: draft.prompt.variantId,
    subjectKey: draft.draftId,
    outcome,
    ...(value === undefined ? {} : { value }),
  });
}

/** The draft prompt's variables for a request. */
export function draftVariables(r: DraftRequest): PromptVariables {
  const words = TARGET_WORDS[r.kind][r.length];
  return {
    ask: ASK[r.kind],
    topic: r.topic.replace(/[\n.]+$/g, '').replace(/\n/g, ' '),
    details: [
      ...(r.audience ? [`Audience: ${r.audience}`] : []),
      `About ${words} words. ${ROLE[r.kind]}`,
      ...(r.keywords.length > 0 ? [`Use these keywords naturally: ${r.keywords.join(', ')}.`] : []),
      ...(r.memoryFacts?.length ? ["Facts from the brand's memory (use them as they are; do not invent others):"] : []),
      // Bullets: key points for a real model, and the key points the offline templates list (memory first).
      ...(r.memoryFacts ?? []).map((c) => `- ${c.replace(/\s+/g, ' ').trim()}`),
      ...r.context.map((c) => `- ${c.replace(/\s+/g, ' ').trim()}`),
      ...r.keywords.map((k) => `- ${k}`),
    ].join('\n'),
  };
}

export function revisePrompt(kind: Kind, topic: string, instructions: string, previous: string): string {
  return [
    `${ASK[kind]} about ${topic.replace(/[\n.]+$/g, '').replace(/\n/g, ' ')}, revising the draft below.`,
    `Change: ${instructions.replace(/\s+/g, ' ').trim()}`,
    'Return the whole revised text only.',
    '',
    'Draft:',
    previous,
  ].join('\n');
}
