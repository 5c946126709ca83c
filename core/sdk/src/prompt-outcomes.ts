import { type PromptOutcome, PromptOutcomeSchema, type PromptOutcomeStore, summarizeOutcomes } from '@neonhub/llm';
import type { PluginStore } from './types.js';

const COLLECTION = 'prompt_outcomes';
const PAGE = 500;
// Keys: `<promptId>@<version>#<variant>#<subject>#<outcome>` (the last three URI-encoded). Prompt ids and versions
// cannot contain '@' or '#', so a prefix `<promptId>@` selects exactly one prompt.

/**
 * A/B outcomes of a plugin's prompts, kept in its own store (the database behind `ctx.store`, so they outlive
 * the process). One record per prompt version, subject and outcome: recording the same outcome of the same
 * subject again replaces it (a retried call counts once); a subject may have several outcomes (e.g.
 * `revised`, then `accepted`).
 */
export function storePromptOutcomes(store: PluginStore): PromptOutcomeStore {
  const prefixOf = (f: { promptId: string; version?: string }) => `${f.promptId}@${f.version === undefined ? '' : `${f.version}#`}`;
  async function list(filter: { promptId: string; version?: string }): Promise<PromptOutcome[]> {
    const out: PromptOutcome[] = [];
    for (let after: string | undefined; ; ) {
      const page = await store.list<PromptOutcome>(COLLECTION, { prefix: prefixOf(filter), limit: PAGE, ...(after ? { after } : {}) });
      out.push(...page.map((r) => r.value));
      if (page.length < PAGE) return out;
      after = page[page.length - 1]!.key;
    }
  }
  return {
    async record(outcome) {
      const o = PromptOutcomeSchema.parse(outcome);
      const key = [o.variantId, o.subjectKey, o.outcome].map(encodeURIComponent).join('#');
      await store.put(COLLECTION, `${o.promptId}@${o.version}#${key}`, o);
    },
    list,
    async summarize(filter) {
      return summarizeOutcomes(await list(filter));
    },
  };
}
