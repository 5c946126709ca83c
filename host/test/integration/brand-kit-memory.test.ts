import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Host } from '../../src/host.js';
import { insertEvents } from '../../src/results/events.js';
import { buildApp } from '../../src/server/app.js';
import { bootHost, lockRoot, makeRoot, operatorInject, removeRoot, repoPlugin } from './helpers.js';

/**
 * Issue 15: the brand kit lives in memory. Saved through the API (the console's brand kit page calls it), each section
 * is one document of the workspace's memory (through the memory contract: the real memory MCP server over stdio,
 * PGlite + pgvector), replaced on save; agent-content's offline drafts quote its facts and voice, and the chunks they
 * drew on are the draft's provenance in data-trust.
 */
const repo = resolve(import.meta.dirname, '../../..');
const actor = { type: 'user' as const, id: 'marketer', role: 'owner' as const };

interface MemoryRef {
  chunkId: string;
  documentId: string;
  collection: string;
  title: string;
  source: string | null;
}
interface DraftOut {
  draftId: string;
  text: string;
  offline: boolean;
  quality: { bannedPhrases: { phrase: string; count: number }[] };
  provenance: { memory: MemoryRef[]; memoryEntries: string[]; memoryStatus: string; tools: string[]; prompts: unknown[]; model: string };
}
interface KitState {
  kit: { voice: string; bannedPhrases: string[]; disclosures: { channel: string; text: string }[]; facts: string };
  provider: string;
  sections: { section: string; documentId: string | null; chunks: number }[];
}

let root: string;
let host: Host;
let app: FastifyInstance;
let inject: FastifyInstance['inject'];

const call = async (workspace: string, tool: string, input: unknown) => {
  const r = await host.callTool({ workspace, tool, input, actor });
  if (r.status !== 'ok') throw new Error(`${tool} did not run: ${r.status}`);
  return r.output as Record<string, unknown>;
};

const KIT = {
  voice: 'warm, plain-spoken, no jargon',
  bannedPhrases: ['world-class', 'game changer'],
  disclosures: [{ channel: 'email', text: 'You get this because you joined the Acme list.' }],
  facts: [
    '# Trailblazer 3',
    '- The Trailblazer 3 trail running shoe weighs 240 grams.',
    '- Every Trailblazer 3 ships with free returns within 60 days.',
  ].join('\n'),
};

beforeAll(async () => {
  root = makeRoot('brand-kit-memory', [
    { from: join(repo, 'mcp-servers/memory'), link: true },
    { from: repoPlugin('agent-content'), link: true },
    { from: repoPlugin('data-trust'), link: true },
  ]);
  await lockRoot(root, { extraTools: {} });
  // the memory server's tools as the repository's lock pins them (listed from the live server by `plugin lock`)
  const lockPath = join(root, 'plugins.lock.json');
  const lock = JSON.parse(readFileSync(lockPath, 'utf8'));
  const repoLock = JSON.parse(readFileSync(join(repo, 'plugins.lock.json'), 'utf8'));
  lock.plugins.memory = { ...lock.plugins.memory, tools: repoLock.plugins.memory.tools, toolFields: repoLock.plugins.memory.toolFields };
  writeFileSync(lockPath, JSON.stringify(lock, null, 2));
  for (let attempt = 1; ; attempt++) {
    host = await bootHost(root, { env: { NEONHUB_PLUGIN_LIMITS: JSON.stringify({ memory: { startTimeoutMs: 120_000 } }) } });
    if (attempt === 3 || host.problems.every((p) => p.error.code !== 'NH_PLUGIN_LOAD_FAILED')) break;
    await host.close();
  }
  for (const slug of ['acme', 'globex', 'nomem']) {
    await host.storage.service.createWorkspace({ slug });
    for (const id of slug === 'nomem' ? ['agent-content', 'data-trust'] : ['memory', 'agent-content', 'data-trust'])
      await host.storage.service.enablePlugin(slug, id);
  }
  app = await buildApp(host);
  inject = operatorInject(app, host);
}, 240_000);

afterAll(async () => {
  await app?.close();
  await host?.close();
  removeRoot(root);
});

const saveKit = (ws: string, body: Record<string, unknown>) =>
  inject({ method: 'PUT', url: `/api/workspaces/${ws}/brand-kit`, payload: body });

describe('the brand kit in memory (issue 15)', () => {
  it('loads the memory server', () => {
    expect(host.problems.map((p) => `${p.id}: ${p.error.code} ${p.error.message}`)).toEqual([]);
  });

  it('saves one memory document per section and reads the kit back', async () => {
    const res = await saveKit('acme', KIT);
    expect(res.statusCode).toBe(200);
    const state = res.json() as KitState;
    expect(state.provider).toBe('memory');
    expect(state.kit).toEqual(KIT);
    expect(state.sections.map((s) => s.section)).toEqual(['voice', 'banned', 'disclosures', 'facts']);
    for (const s of state.sections) expect(s.documentId).toEqual(expect.any(String));
    const got = await inject({ method: 'GET', url: '/api/workspaces/acme/brand-kit' });
    expect(got.json()).toEqual(state);
    // the documents are the memory server's, in the brand-kit collection
    const facts = state.sections.find((s) => s.section === 'facts')!;
    const doc = await call('acme', 'memory:memory_get_document', { documentId: facts.documentId });
    expect(doc).toMatchObject({ collection: 'brand-kit', title: 'Product facts', metadata: { section: 'facts', key: 'brand-kit:facts' } });
  });

  it("an offline draft quotes the brand kit's product facts and voice, and data-trust's provenance lists the chunks", async () => {
    const state = (await (await inject({ method: 'GET', url: '/api/workspaces/acme/brand-kit' })).json()) as KitState;
    const docOf = (section: string) => state.sections.find((s) => s.section === section)!.documentId;
    const draft = (await call('acme', 'agent-content:draft', {
      kind: 'blog',
      topic: 'the Trailblazer 3 trail running shoe',
    })) as unknown as DraftOut;
    expect(draft.offline).toBe(true);
    expect(draft.text).toContain('The Trailblazer 3 trail running shoe weighs 240 grams.');
    expect(draft.text).toContain('Every Trailblazer 3 ships with free returns within 60 days.');
    expect(draft.text).toContain('Tone: warm, plain-spoken, no jargon.');
    expect(draft.provenance.memoryStatus).toBe('used');
    const used = new Set(draft.provenance.memory.map((m) => m.documentId));
    expect(used.has(docOf('facts')!)).toBe(true);
    expect(used.has(docOf('voice')!)).toBe(true);
    for (const m of draft.provenance.memory) expect(m).toMatchObject({ collection: 'brand-kit', source: 'brand kit' });
    // the draft's provenance as data-trust records it: the same chunks
    await call('acme', 'data-trust:record_artifact', {
      artifactId: draft.draftId,
      kind: 'draft',
      content: draft.text,
      tools: draft.provenance.tools,
      prompts: draft.provenance.prompts,
      model: draft.provenance.model,
      memory: draft.provenance.memory,
      memoryEntries: draft.provenance.memoryEntries,
    });
    const provenance = (await call('acme', 'data-trust:get_provenance', { artifactId: draft.draftId })) as {
      lineage: { memory: MemoryRef[]; memoryEntries: string[] };
    };
    expect(provenance.lineage.memory).toEqual(draft.provenance.memory);
    expect(provenance.lineage.memoryEntries).toEqual(draft.provenance.memory.map((m) => m.chunkId));
  });

  it('a save replaces the section: the old fact is gone from memory and from the next draft; emptied sections are removed', async () => {
    const before = ((await (await inject({ method: 'GET', url: '/api/workspaces/acme/brand-kit' })).json()) as KitState).sections;
    const res = await saveKit('acme', {
      ...KIT,
      disclosures: [],
      facts: '- The Trailblazer 3 trail running shoe weighs 228 grams since the spring update.',
    });
    expect(res.statusCode).toBe(200);
    const after = (res.json() as KitState).sections;
    const idOf = (list: KitState['sections'], s: string) => list.find((x) => x.section === s)!.documentId;
    expect(idOf(after, 'facts')).not.toBe(idOf(before, 'facts'));
    expect(idOf(after, 'voice')).toBe(idOf(before, 'voice')); // unchanged content: the same document
    expect(idOf(after, 'disclosures')).toBeNull();
    const gone = await host
      .callTool({ workspace: 'acme', tool: 'memory:memory_get_document', input: { documentId: idOf(before, 'facts') }, actor })
      .catch((e) => e);
    expect(gone.code).toBe('NH_MEMORY_DOCUMENT_NOT_FOUND');
    const draft = (await call('acme', 'agent-content:draft', {
      kind: 'blog',
      topic: 'the Trailblazer 3 trail running shoe',
    })) as unknown as DraftOut;
    expect(draft.text).toContain('weighs 228 grams since the spring update');
    expect(draft.text).not.toContain('240 grams');
  });

  it("the kit's banned phrases reach the draft's quality gate; another workspace never sees the kit", async () => {
    const draft = (await call('acme', 'agent-content:draft', {
      kind: 'blog',
      topic: 'the game changer Trailblazer 3 for trail runners',
    })) as unknown as DraftOut;
    expect(draft.text.toLowerCase()).toContain('game changer');
    expect(draft.quality.bannedPhrases).toContainEqual({ phrase: 'game changer', count: expect.any(Number) });
    const other = (await call('globex', 'agent-content:draft', {
      kind: 'blog',
      topic: 'the Trailblazer 3 trail running shoe',
    })) as unknown as DraftOut;
    expect(other.text).not.toContain('grams');
    expect(other.text).not.toContain('warm, plain-spoken');
    expect(other.provenance.memory).toEqual([]);
    expect(((await (await inject({ method: 'GET', url: '/api/workspaces/globex/brand-kit' })).json()) as KitState).kit).toEqual({
      voice: '',
      bannedPhrases: [],
      disclosures: [],
      facts: '',
    });
  });

  it("without memory the config's voice is the fallback, and saving the kit is a coded 409", async () => {
    await host.storage.service.setConfig('nomem', 'agent-content', { brandVoice: 'crisp and cheerful' });
    const draft = (await call('nomem', 'agent-content:draft', {
      kind: 'blog',
      topic: 'the Trailblazer 3 trail running shoe',
    })) as unknown as DraftOut;
    expect(draft.text).toContain('Tone: crisp and cheerful.');
    expect(draft.provenance.memoryStatus).toBe('unavailable');
    const res = await saveKit('nomem', KIT);
    expect(res.statusCode).toBe(409);
    expect(res.json().error.code).toBe('NH_BRAND_KIT_NO_MEMORY');
  });

  it('bad input is a 400 with a code, and nothing is stored', async () => {
    const res = await saveKit('globex', { ...KIT, bannedPhrases: ['x'.repeat(201)] });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toMatch(/^NH_/);
    const kit = ((await (await inject({ method: 'GET', url: '/api/workspaces/globex/brand-kit' })).json()) as KitState).kit;
    expect(kit.voice).toBe('');
  });

  it('reading a kit, saved or not, with empty sections, never asks memory for a document that is not there', async () => {
    const failedLookups = () =>
      (host as Host & { records: Record<string, unknown>[] }).records.filter(
        (r) => r.msg === 'tool call failed' && r.tool === 'memory:memory_get_document',
      ).length;
    const before = failedLookups();
    await host.storage.service.createWorkspace({ slug: 'fresh' });
    for (const id of ['memory', 'agent-content']) await host.storage.service.enablePlugin('fresh', id);
    const never = (await (await inject({ method: 'GET', url: '/api/workspaces/fresh/brand-kit' })).json()) as KitState;
    expect(never.kit).toEqual({ voice: '', bannedPhrases: [], disclosures: [], facts: '' });
    expect(never.sections.every((x) => x.documentId === null)).toBe(true);
    const saved = (await saveKit('fresh', { voice: 'brisk', bannedPhrases: [], disclosures: [], facts: '' })).json() as KitState;
    expect(saved.kit.voice).toBe('brisk');
    expect(saved.sections.filter((x) => x.documentId !== null).map((x) => x.section)).toEqual(['voice']);
    await inject({ method: 'GET', url: '/api/workspaces/fresh/brand-kit' });
    // a draft skips the emptied sections' markers: only the voice is used
    const draft = (await call('fresh', 'agent-content:draft', { kind: 'social', topic: 'our autumn trail runs' })) as unknown as DraftOut;
    expect(draft.provenance.memory.map((m) => m.title)).toEqual(['Brand voice']);
    expect(failedLookups()).toBe(before);
  });

  it("revise and check_quality read the brand kit: its banned phrases and this kind's disclosures", async () => {
    await saveKit('acme', KIT);
    const draft = (await call('acme', 'agent-content:draft', {
      kind: 'email',
      topic: 'the Trailblazer 3 spring offer',
    })) as unknown as DraftOut;
    const codes = (q: unknown) => (q as { reasons: { code: string }[] }).reasons.map((r) => r.code);
    const bad = await call('acme', 'agent-content:check_quality', {
      kind: 'email',
      text: 'The Trailblazer 3 is a game changer for every trail runner who wants a light shoe this spring.',
    });
    expect(codes(bad)).toEqual(expect.arrayContaining(['banned_phrase', 'disclosure_missing']));
    const good = await call('acme', 'agent-content:check_quality', {
      kind: 'email',
      text: `The Trailblazer 3 is light and ships with free returns. ${KIT.disclosures[0]!.text}`,
    });
    expect(codes(good)).not.toContain('banned_phrase');
    expect(codes(good)).not.toContain('disclosure_missing');
    // a blog has no disclosure in this kit
    expect(codes(await call('acme', 'agent-content:check_quality', { kind: 'blog', text: 'A plain note.' }))).not.toContain(
      'disclosure_missing',
    );
    const revised = await call('acme', 'agent-content:revise', { draftId: draft.draftId, text: 'Our world-class Trailblazer 3 is here.' });
    expect((revised.quality as { bannedPhrases: { phrase: string }[] }).bannedPhrases.map((b) => b.phrase)).toEqual(['world-class']);
    expect(codes(revised.quality)).toContain('disclosure_missing');
    const stored = await call('acme', 'agent-content:check_quality', { draftId: draft.draftId });
    expect(codes(stored)).toContain('banned_phrase');
    // a model rewrite is written in the kit's voice (the offline model states the tone it was given)
    const blog = (await call('acme', 'agent-content:draft', { kind: 'blog', topic: 'the Trailblazer 3 in spring' })) as unknown as DraftOut;
    const rewritten = await call('acme', 'agent-content:revise', { draftId: blog.draftId, instructions: 'shorter, end with a question' });
    expect(rewritten.text).toContain('Tone: warm, plain-spoken, no jargon.');
  });

  it('learn_from_results remembers the best draft of a winning prompt variant as winning content', async () => {
    const drafts: DraftOut[] = [];
    for (let i = 0; i < 16; i++)
      drafts.push((await call('acme', 'agent-content:draft', { kind: 'email', topic: `trail week ${i}` })) as unknown as DraftOut);
    const variantOf = (d: DraftOut) => (d as unknown as { prompt: { variantId: string } }).prompt.variantId;
    const ws = await host.storage.service.resolveWorkspace('acme');
    await insertEvents(
      host.storage.db,
      drafts.flatMap((d, n) =>
        [
          ...Array.from({ length: 100 }, (_, k) => ({ kind: 'sent', k })),
          // benefit-first drafts earn 10 clicks per 100 sends (the last one 12), control drafts 2
          ...Array.from({ length: variantOf(d) === 'benefit-first' ? (n === 15 ? 12 : 10) : 2 }, (_, k) => ({ kind: 'clicked', k })),
        ].map((e) => ({
          workspace_id: ws.id,
          campaign: 'trail-week',
          variant: d.draftId,
          channel: 'email',
          contact_id: null,
          kind: e.kind,
          occurred_at: new Date(),
          source: 'test',
          dedupe_key: `${d.draftId}:${e.kind}:${e.k}`,
        })),
      ),
    );
    const learned = (await call('acme', 'agent-content:learn_from_results', {})) as {
      winner: { variantId: string; draftId: string; rate: number; documentId: string | null } | null;
    };
    const winners = drafts.filter((d) => variantOf(d) === 'benefit-first');
    expect(learned.winner).toMatchObject({ variantId: 'benefit-first', documentId: expect.any(String) });
    expect(winners.map((d) => d.draftId)).toContain(learned.winner!.draftId);
    const doc = await call('acme', 'memory:memory_get_document', { documentId: learned.winner!.documentId });
    expect(doc).toMatchObject({ collection: 'winning-content', metadata: { draftId: learned.winner!.draftId, tags: ['winning-content'] } });
    // scoring again replaces, never adds a copy
    const again = (await call('acme', 'agent-content:learn_from_results', {})) as typeof learned;
    expect(again.winner?.documentId).toBe(learned.winner!.documentId);
  });
});
