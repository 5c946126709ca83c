import { randomUUID } from 'node:crypto';
import { chooseVariant, defineTool, engagementOf } from '@neonhub/sdk';
import { z } from 'zod';
import { configOf } from '../config.js';
import { ProvenanceSchema, recallForDraft } from '../memory.js';
import { DRAFTS, type Draft, KindSchema, LengthSchema, VERSIONS, type Version, versionKey } from '../model.js';
import {
  bannedPhrasesOf,
  contentPrompts,
  DRAFT_PROMPT,
  disclosuresOf,
  draftVariables,
  recordDraftOutcome,
  systemPrompt,
} from '../prompts.js';
import { checkQuality } from '../quality.js';
import { QualitySchema } from './shared.js';

const input = z.object({
  kind: KindSchema.describe('What to write: blog, email or social.'),
  topic: z.string().trim().min(3).max(300).describe('What it is about, e.g. "our spring sale on trail running shoes".'),
  audience: z.string().trim().min(1).max(300).optional().describe('Who it is for, e.g. "trail runners who bought last year".'),
  keywords: z.array(z.string().trim().min(1).max(100)).max(20).default([]).describe('Keywords or key points to work in (up to 20).'),
  length: LengthSchema.default('medium').describe('short, medium (default) or long; the word target depends on the kind.'),
  context: z
    .array(z.string().trim().min(1).max(1000))
    .max(20)
    .default([])
    .describe('Facts the orchestrator retrieved for this draft (memory snippets, product facts), passed to the model as key points.'),
});

export const DraftResultSchema = z.object({
  draftId: z.string(),
  version: z.number(),
  kind: KindSchema,
  text: z.string(),
  /** True when NeonHub's offline model wrote it: the text then starts with "[offline model]". */
  offline: z.boolean(),
  model: z.string(),
  quality: QualitySchema,
  /** The prompt version and A/B variant that wrote it (record what became of it with record_outcome). */
  prompt: z.object({ id: z.string(), version: z.string(), variantId: z.string() }),
  /** The lineage to record in data-trust: tools, prompt, model and the memory chunks the draft drew on. */
  provenance: ProvenanceSchema,
});

export const draft = defineTool({
  name: 'draft',
  description:
    "Drafts a blog post, marketing e-mail or social post on a topic for an audience with the workspace model, in the brand voice of the workspace's brand kit (or the plugin config), drawing on the workspace's memory (the brand kit's voice, banned phrases, disclosures and product facts, other knowledge, past winning content, by hybrid search); stores it as version 1, runs the quality gate on it and returns its provenance (the memory chunks used) for data-trust.",
  sideEffect: 'write',
  timeoutMs: 120_000,
  input,
  output: DraftResultSchema,
  async run(a, ctx) {
    const config = configOf(ctx);
    const draftId = `drf_${randomUUID()}`;
    const prompts = contentPrompts(ctx.store);
    const recalled = await recallForDraft(ctx, { topic: a.topic, ...(a.audience ? { audience: a.audience } : {}), keywords: a.keywords });
    // The A/B variant: by Thompson sampling over the engagement its drafts earned (learn_from_results), seeded by the
    // draft id; before any engagement is known, the weighted pick (deterministic in the id).
    const variantId = chooseVariant(
      DRAFT_PROMPT,
      engagementOf(await prompts.store.list({ promptId: DRAFT_PROMPT.id, version: DRAFT_PROMPT.version })),
      draftId,
    );
    const rendered = prompts.render(
      DRAFT_PROMPT.id,
      draftVariables({
        kind: a.kind,
        topic: a.topic,
        ...(a.audience ? { audience: a.audience } : {}),
        keywords: a.keywords,
        length: a.length,
        context: a.context,
        memoryFacts: recalled.facts,
      }),
      { subjectKey: draftId, ...(variantId ? { variantId } : {}) },
    );
    const result = await ctx.llm.generate({
      system: systemPrompt(config, recalled.examples, recalled.brand, a.kind),
      prompt: rendered.text,
      signal: ctx.signal,
    });
    const prompt = { id: rendered.promptId, version: rendered.version, variantId: rendered.variantId };
    const now = new Date().toISOString();
    const record: Draft = {
      draftId,
      kind: a.kind,
      topic: a.topic,
      ...(a.audience ? { audience: a.audience } : {}),
      keywords: a.keywords,
      length: a.length,
      latestVersion: 1,
      prompt,
      ...(recalled.used.length ? { memory: recalled.used } : {}),
      createdAt: now,
      updatedAt: now,
    };
    const model = `${result.provider}/${result.model}`;
    const version: Version = { version: 1, text: result.text, source: 'model', model, offline: result.offline, createdAt: now };
    await ctx.store.put(VERSIONS, versionKey(record.draftId, 1), version);
    await ctx.store.put(DRAFTS, record.draftId, record);
    await recordDraftOutcome(prompts, record, 'drafted');
    ctx.logger.info(
      { draftId: record.draftId, kind: a.kind, model, offline: result.offline, memory: recalled.used.length, recallMs: recalled.recallMs },
      'draft written',
    );
    return {
      draftId: record.draftId,
      version: 1,
      kind: a.kind,
      text: result.text,
      offline: result.offline,
      model,
      quality: checkQuality(result.text, a.kind, bannedPhrasesOf(config, recalled.brand), disclosuresOf(recalled.brand, a.kind)),
      prompt,
      provenance: {
        tools: ['agent-content:draft'],
        prompts: [{ id: prompt.id, version: prompt.version, variantId: prompt.variantId }],
        model,
        memory: recalled.used,
        memoryEntries: recalled.used.map((m) => m.chunkId),
        memoryStatus: recalled.status,
        recallMs: recalled.recallMs,
      },
    };
  },
});
