import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Host } from '../../src/host.js';
import { insertEvents } from '../../src/results/events.js';
import { bootHost, lockRoot, makeRoot, removeRoot, repoPlugin } from '../integration/helpers.js';

/**
 * Issue 15: the draft prompt's variants are scored by the engagement of what they wrote, and the scores are the
 * workspace's (agent-content's store, in the host's database), so a restarted host keeps choosing the better variant.
 * The drafts run through the real host (offline model, the draft is sent and its clicks arrive as stored results with
 * the draft id as their variant), and the provenance names the variant that wrote each draft.
 */
const actor = { type: 'user' as const, id: 'marketer', role: 'owner' as const };
const today = new Date();

let root: string;
let host: Host | undefined;

const call = async (tool: string, input: unknown) => {
  const r = await host!.callTool({ workspace: 'acme', tool, input, actor });
  if (r.status !== 'ok') throw new Error(`${tool} did not run: ${r.status} ${JSON.stringify(r)}`);
  return r.output as Record<string, unknown>;
};
interface DraftOut {
  draftId: string;
  prompt: { id: string; version: string; variantId: string };
  provenance: { prompts: Array<{ id: string; version: string; variantId?: string }> };
}

beforeAll(async () => {
  root = makeRoot('prompt-scores', [{ from: repoPlugin('agent-content'), link: true }]);
  await lockRoot(root, { extraTools: {} });
  host = await bootHost(root);
  if (host.problems.length) throw host.problems[0]!.error;
  await host.storage.service.createWorkspace({ slug: 'acme' });
  await host.storage.service.enablePlugin('acme', 'agent-content');
}, 120_000);

afterAll(async () => {
  await host?.close();
  removeRoot(root);
});

describe('prompt variant scores outlive the host', () => {
  it('learns that benefit-first engages more, and after a restart still picks it for most drafts', async () => {
    const first: DraftOut[] = [];
    for (let i = 0; i < 16; i++)
      first.push((await call('agent-content:draft', { kind: 'email', topic: `sale ${i}` })) as unknown as DraftOut);
    // the provenance names the prompt, its version and the variant that wrote the draft
    for (const d of first)
      expect(d.provenance.prompts).toEqual([{ id: d.prompt.id, version: d.prompt.version, variantId: d.prompt.variantId }]);
    const ws = await host!.storage.service.resolveWorkspace('acme');
    // each draft went to 100 people; benefit-first drafts earned 10 clicks each, control drafts 2
    await insertEvents(
      host!.storage.db,
      first.flatMap((d) =>
        [
          ...Array.from({ length: 100 }, (_, k) => ({ kind: 'sent', k })),
          ...Array.from({ length: d.prompt.variantId === 'benefit-first' ? 10 : 2 }, (_, k) => ({ kind: 'clicked', k })),
        ].map((e) => ({
          workspace_id: ws.id,
          campaign: 'spring',
          variant: d.draftId,
          channel: 'email',
          contact_id: null,
          kind: e.kind,
          occurred_at: today,
          source: 'test',
          dedupe_key: `${d.draftId}:${e.kind}:${e.k}`,
        })),
      ),
    );
    const learned = (await call('agent-content:learn_from_results', {})) as { variants: Array<{ variantId: string; rate: number }> };
    expect(learned.variants.find((v) => v.variantId === 'benefit-first')?.rate).toBeCloseTo(0.1, 5);

    await host!.close();
    host = await bootHost(root);
    const next: DraftOut[] = [];
    for (let i = 0; i < 20; i++)
      next.push((await call('agent-content:draft', { kind: 'email', topic: `autumn ${i}` })) as unknown as DraftOut);
    expect(next.filter((d) => d.prompt.variantId === 'benefit-first').length).toBeGreaterThanOrEqual(17);
    const stats = (await call('agent-content:prompt_stats', {})) as {
      variants: Array<{ variantId: string; outcomes: Record<string, { count: number }> }>;
    };
    expect(stats.variants.find((v) => v.variantId === 'benefit-first')?.outcomes.clicked?.count).toBe(
      first.filter((d) => d.prompt.variantId === 'benefit-first').length,
    );
  }, 180_000);
});
