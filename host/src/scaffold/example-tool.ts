import { defineTool } from '@neonhub/sdk';
import { z } from 'zod';

/**
 * The example tool every scaffolded plugin starts with, as host code: the scaffold derives
 * plugin.json's `tools` from it. `templates.ts` writes the same tool as source text; the scaffold
 * test runs the conformance checks on the written plugin, so the two cannot drift apart unnoticed.
 */
export const exampleTool = defineTool({
  name: 'word_count',
  description: 'Counts the words and characters in a text.',
  sideEffect: 'none',
  input: z.object({
    text: z.string().describe('The text to count words in.'),
  }),
  output: z.object({
    words: z.number().int(),
    characters: z.number().int(),
  }),
  run({ text }) {
    const trimmed = text.trim();
    return { words: trimmed === '' ? 0 : trimmed.split(/\s+/).length, characters: [...text].length };
  },
});
