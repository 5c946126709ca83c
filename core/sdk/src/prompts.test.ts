import { describe, expect, it } from 'vitest';
import { createMemoryPromptOutcomeStore, createPromptRegistry, definePrompt, pickVariantOf, renderTemplate } from './prompts.js';

/** What `fn` throws: it must throw a NeonHubError with `code`. */
function thrown(fn: () => unknown, code: string) {
  try {
    fn();
  } catch (e) {
    expect(e).toMatchObject({ code });
    return e as { details?: unknown };
  }
  throw new Error(`expected ${code}`);
}

const blogDraft = {
  id: 'agent-content.blog-draft',
  version: '1.0.0',
  template: 'Write a blog post about {{topic}} for {{audience}}.',
  variables: ['topic', 'audience'],
};

describe('prompt registry', () => {
  it('renders a prompt with its variables, the highest version by default', () => {
    const reg = createPromptRegistry();
    reg.register(blogDraft);
    reg.register({ ...blogDraft, version: '1.10.0', template: 'Blog post on {{topic}}; readers: {{audience}}.' });
    reg.register({ ...blogDraft, version: '1.2.0' });
    expect(reg.render('agent-content.blog-draft', { topic: 'neon', audience: 'bakers' })).toEqual({
      promptId: 'agent-content.blog-draft',
      version: '1.10.0',
      variantId: 'control',
      text: 'Blog post on neon; readers: bakers.',
    });
    expect(reg.render('agent-content.blog-draft', { topic: 'neon', audience: 'bakers' }, { version: '1.0.0' }).text).toBe(
      'Write a blog post about neon for bakers.',
    );
  });

  it('refuses a missing variable with NH_LLM_PROMPT_VARIABLE_MISSING', async () => {
    const reg = createPromptRegistry();
    reg.register(blogDraft);
    const e = thrown(() => reg.render(blogDraft.id, { topic: 'neon' }), 'NH_LLM_PROMPT_VARIABLE_MISSING');
    expect(e.details).toEqual({ missing: ['audience'] });
    expect(() => renderTemplate('{{a}} and {{ b }}', { a: 1, b: false })).not.toThrow();
    expect(renderTemplate('{{a}} and {{ b }}', { a: 1, b: false })).toBe('1 and false');
  });

  it('rejects undeclared placeholders, duplicate versions and unknown prompts', async () => {
    thrown(() => definePrompt({ ...blogDraft, template: '{{topic}} {{tone}}' }), 'NH_LLM_PROMPT_INVALID');
    const reg = createPromptRegistry();
    reg.register(blogDraft);
    thrown(() => reg.register(blogDraft), 'NH_LLM_PROMPT_INVALID');
    thrown(() => reg.get('nope'), 'NH_LLM_PROMPT_NOT_FOUND');
    thrown(() => reg.get(blogDraft.id, '9.9.9'), 'NH_LLM_PROMPT_NOT_FOUND');
  });

  it('assigns A/B variants deterministically by subject and by weight', () => {
    const reg = createPromptRegistry();
    const def = reg.register({
      ...blogDraft,
      variants: [{ id: 'short', template: 'Short post: {{topic}} ({{audience}})', weight: 2 }],
    });
    const first = reg.pickVariant(def.id, 'workspace-42');
    for (let i = 0; i < 5; i++) expect(reg.pickVariant(def.id, 'workspace-42')).toEqual(first);
    const counts: Record<string, number> = {};
    for (let i = 0; i < 3000; i++) {
      const v = pickVariantOf(def, `subject-${i}`);
      counts[v.id] = (counts[v.id] ?? 0) + 1;
    }
    // control weight 1, short weight 2: about a third and two thirds.
    expect(counts.control).toBeGreaterThan(850);
    expect(counts.control).toBeLessThan(1150);
    expect((counts.control ?? 0) + (counts.short ?? 0)).toBe(3000);
    const rendered = reg.render(def.id, { topic: 'neon', audience: 'bakers' }, { subjectKey: 'workspace-42' });
    expect(rendered.variantId).toBe(first.id);
  });

  it('records outcomes per variant through a storage-agnostic store', async () => {
    const store = createMemoryPromptOutcomeStore();
    const reg = createPromptRegistry({ store, now: () => new Date('2026-01-02T03:04:05.000Z') });
    reg.register({ ...blogDraft, variants: [{ id: 'short', template: '{{topic}} {{audience}}' }] });
    await reg.recordOutcome({
      promptId: blogDraft.id,
      version: '1.0.0',
      variantId: 'control',
      subjectKey: 'a',
      outcome: 'accepted',
      value: 1,
    });
    await reg.recordOutcome({ promptId: blogDraft.id, version: '1.0.0', variantId: 'short', subjectKey: 'b', outcome: 'rejected' });
    await reg.recordOutcome({
      promptId: blogDraft.id,
      version: '1.0.0',
      variantId: 'control',
      subjectKey: 'c',
      outcome: 'accepted',
      value: 2,
    });
    expect(await store.summarize({ promptId: blogDraft.id })).toEqual([
      { variantId: 'control', count: 2, outcomes: { accepted: 2 }, valueSum: 3 },
      { variantId: 'short', count: 1, outcomes: { rejected: 1 }, valueSum: 0 },
    ]);
    const rows = await store.list({ promptId: blogDraft.id, version: '1.0.0' });
    expect(rows[0]?.at).toBe('2026-01-02T03:04:05.000Z');
    expect(await store.list({ promptId: 'other' })).toEqual([]);
  });
});
