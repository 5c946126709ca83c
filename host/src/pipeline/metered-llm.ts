import type { LlmAccess, LlmUsageTotals } from '@neonhub/sdk';

/** Wraps the workspace model so the pipeline knows what one call spent (reported in afterToolCall). */
export function meteredLlm(llm: LlmAccess) {
  let totals: LlmUsageTotals | undefined;
  const access: LlmAccess = {
    async generate(input) {
      const result = await llm.generate(input);
      totals ??= { calls: 0, inputTokens: 0, outputTokens: 0, totalTokens: 0, models: [], offline: true };
      const t = totals;
      t.calls++;
      t.inputTokens += result.usage.inputTokens;
      t.outputTokens += result.usage.outputTokens;
      t.totalTokens += result.usage.totalTokens;
      const model = `${result.provider}/${result.model}`;
      if (!t.models.includes(model)) t.models.push(model);
      t.offline &&= result.offline;
      return result;
    },
  };
  return { access, totals: () => totals };
}
