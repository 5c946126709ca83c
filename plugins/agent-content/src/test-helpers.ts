import type { LlmAccess, LlmGenerateInput } from '@neonhub/sdk';

/** A stand-in model that records prompts and answers with fixed text (for prompt and non-offline paths). */
export function recordingLlm(answer: (input: LlmGenerateInput) => string) {
  const seen: LlmGenerateInput[] = [];
  const llm: LlmAccess = {
    async generate(input) {
      seen.push(input);
      const text = answer(input);
      return { text, provider: 'test', model: 'scripted', offline: false, usage: { inputTokens: 1, outputTokens: 1, totalTokens: 2 } };
    },
  };
  return { llm, seen };
}

/** 520 easy words in short sentences: passes the blog gate. */
export const GOOD_BLOG = Array.from({ length: 40 }, (_, i) => `Our trail shoes grip well on wet rock. Try a pair ${i + 1} today.`).join(
  ' ',
);
