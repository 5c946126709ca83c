import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Orchestrator } from '@neonhub/orchestrator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Host } from '../../src/host.js';
import { createRuns } from '../../src/runs/service.js';
import { bootHost, lockRoot, makeRoot, removeRoot, repoPlugin } from './helpers.js';

/**
 * Issue 15, item 5 (memory in the agents), end to end with the real parts: the memory MCP server (PGlite + pgvector,
 * hybrid search) over stdio, agent-content and data-trust in-process, the offline model, the orchestrator. Two
 * workspaces hold different product facts; drafts quote their own workspace's facts and name exactly the chunks
 * they used in their data-trust provenance, never the other workspace's.
 */
const repo = resolve(import.meta.dirname, '../../..');
const actor = { type: 'user' as const, id: 'marketer', role: 'owner' as const };

const ACME_FACTS = `# Product facts

## Trailblazer 3
- The Trailblazer 3 trail running shoe weighs 240 grams.
- Every Trailblazer 3 comes with free returns within 60 days.
- The Trailblazer 3 outsole uses recycled rubber from old tyres.

## Company
- Acme Outdoors has made running gear in Annecy since 1998.
`;
const GLOBEX_FACTS = `# Product facts

## Hypercoil kettle
- The Hypercoil kettle boils one litre of water in 90 seconds.
- Every Hypercoil kettle carries a five-year warranty.
`;

let root: string;
let host: Host;
let runs: Orchestrator;
const docs: Record<string, string> = {};

const call = async (workspace: string, tool: string, input: unknown) => {
  const r = await host.callTool({ workspace, tool, input, actor });
  if (r.status !== 'ok') throw new Error(`${tool} did not run: ${r.status}`);
  return r.output as Record<string, unknown>;
};

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
  provenance: { memory: MemoryRef[]; memoryEntries: string[]; memoryStatus: string; recallMs: number | null };
}

beforeAll(async () => {
  root = makeRoot('memory-agents', [
    { from: join(repo, 'mcp-servers/memory'), link: true },
    { from: repoPlugin('agent-content'), link: true },
    { from: repoPlugin('data-trust'), link: true },
  ]);
  await lockRoot(root, { extraTools: {} });
  // The memory server's tools as the repository's lock pins them (listed from the live server by `plugin lock`).
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
  for (const [slug, content] of [
    ['acme', ACME_FACTS],
    ['globex', GLOBEX_FACTS],
  ] as const) {
    const stored = await call(slug, 'memory:memory_ingest', {
      title: 'Product facts',
      content,
      collection: 'product_facts',
      source: 'brand kit',
    });
    docs[slug] = stored.documentId as string;
  }
  runs = await createRuns(host, { concurrency: 2 });
}, 240_000);

afterAll(async () => {
  await runs?.close();
  await host?.close();
  removeRoot(root);
});

/** Runs a goal with the offline planner to the end; the draft step's output and the provenance recorded for it. */
async function runGoal(slug: string, goal: string) {
  const started = await runs.start({ workspace: slug, goal, actor });
  const view = await runs.waitFor(started.run.id, ['succeeded', 'failed', 'cancelled', 'waiting_approval'], 120_000);
  expect(view.run.status).toBe('succeeded');
  const draftStep = view.steps.find((s) => s.tool === 'agent-content:draft')!;
  const draft = draftStep.output as DraftOut;
  const provenance = (await call(slug, 'data-trust:get_provenance', { artifactId: draft.draftId })) as {
    lineage: { memory: MemoryRef[]; memoryEntries: string[]; prompts: { id: string }[] };
  };
  const events = await runs.events(started.run.id);
  const planned = events.find((e) => e.type === 'run.planned')!.data as { memory?: MemoryRef[]; notes: string[] };
  return { view, draft, provenance, planned };
}

describe('memory in the agents (issue 15, item 5)', () => {
  it('loads the memory server, which provides the memory contract by manifest', () => {
    expect(host.problems.map((p) => `${p.id}: ${p.error.code} ${p.error.message}`)).toEqual([]);
    expect(host.registry.plugin('memory')?.manifest.provides).toEqual(['memory']);
  });

  it("a run's offline draft quotes the workspace's product facts, and data-trust names the chunks used and their document", async () => {
    const { draft, provenance, planned } = await runGoal('acme', 'Write a blog post about the Trailblazer 3 trail running shoe');
    expect(draft.offline).toBe(true);
    expect(draft.text).toContain('The Trailblazer 3 trail running shoe weighs 240 grams.');
    expect(draft.text).toContain('Every Trailblazer 3 comes with free returns within 60 days.');
    expect(draft.provenance.memoryStatus).toBe('used');
    expect(draft.provenance.memory.length).toBeGreaterThan(0);
    for (const m of draft.provenance.memory)
      expect(m).toMatchObject({ documentId: docs.acme, collection: 'product_facts', title: 'Product facts', source: 'brand kit' });
    // the provenance data-trust recorded lists the same chunks, with their source document
    expect(provenance.lineage.memory).toEqual(draft.provenance.memory);
    expect(provenance.lineage.memoryEntries).toEqual(draft.provenance.memory.map((m) => m.chunkId));
    expect(provenance.lineage.prompts.map((p) => p.id)).toEqual(['agent-content.draft']);
    // the planner got the memory context too: the run.planned event names its sources, a note says so
    expect(planned.memory?.map((m) => m.documentId)).toContain(docs.acme);
    expect(planned.notes.some((n) => n.startsWith('memory: '))).toBe(true);
  });

  it("a second workspace with other facts never gets the first's chunks (draft, provenance, plan)", async () => {
    const { draft, provenance, planned } = await runGoal('globex', 'Write a blog post about the Trailblazer 3 trail running shoe');
    expect(draft.text).not.toContain('240 grams');
    expect(draft.text).not.toContain('Annecy');
    const allIds = [...draft.provenance.memory, ...provenance.lineage.memory, ...(planned.memory ?? [])].map((m) => m.documentId);
    expect(allIds.length).toBeGreaterThan(0); // globex's own facts are the nearest it has
    expect(new Set(allIds)).toEqual(new Set([docs.globex]));
    const kettle = await runGoal('globex', 'Write a blog post about the Hypercoil kettle');
    expect(kettle.draft.text).toContain('The Hypercoil kettle boils one litre of water in 90 seconds.');
    expect(kettle.draft.text).not.toContain('Trailblazer');
  });

  it('a winning draft is remembered and recalled as an example by the next draft of that workspace only', async () => {
    const first = (await call('acme', 'agent-content:draft', { kind: 'social', topic: 'the Trailblazer 3 launch' })) as unknown as DraftOut;
    const won = await call('acme', 'agent-content:remember_winner', { draftId: first.draftId, metric: 'click_rate', value: 0.042 });
    expect(won).toMatchObject({ draftId: first.draftId, collection: 'winning-content', deduplicated: false });
    const next = (await call('acme', 'agent-content:draft', {
      kind: 'social',
      topic: 'the Trailblazer 3 in autumn',
    })) as unknown as DraftOut;
    expect(next.provenance.memory).toContainEqual(
      expect.objectContaining({ documentId: won.documentId, collection: 'winning-content', source: `agent-content:${first.draftId}@1` }),
    );
    const other = (await call('globex', 'agent-content:draft', {
      kind: 'social',
      topic: 'the Trailblazer 3 in autumn',
    })) as unknown as DraftOut;
    expect(other.provenance.memory.map((m) => m.documentId)).not.toContain(won.documentId);
  });

  it('without a memory plugin enabled the draft is written without memory and says so', async () => {
    const r = (await call('nomem', 'agent-content:draft', {
      kind: 'blog',
      topic: 'the Trailblazer 3 trail running shoe',
    })) as unknown as DraftOut;
    expect(r.provenance).toMatchObject({ memory: [], memoryEntries: [], memoryStatus: 'unavailable', recallMs: null });
    expect(r.text).not.toContain('240 grams');
    const refused = await host
      .callTool({ workspace: 'nomem', tool: 'agent-content:remember_winner', input: { draftId: r.draftId }, actor })
      .catch((e) => e);
    expect(refused.code).toBe('NH_CONTENT_MEMORY_UNAVAILABLE');
  });
});
