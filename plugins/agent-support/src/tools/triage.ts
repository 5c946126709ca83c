import { defineTool } from '@neonhub/sdk';
import { z } from 'zod';
import { TriageSchema } from '../model.js';
import { triage as triageText } from '../triage.js';

const input = z.object({
  text: z.string().trim().min(1).max(50_000).describe('The customer message (ticket body, chat message or e-mail).'),
  subject: z.string().max(998).optional().describe('The ticket subject, read together with the text.'),
});

export const triage = defineTool({
  name: 'triage',
  description:
    'Triages a support message without an LLM: sentiment by the AFINN-165 lexicon, category by keyword rules (billing, technical, account, feedback, other) and priority (low, normal, high, urgent) from sentiment and keywords such as refund, down or cancel, each with its reasons.',
  sideEffect: 'none',
  input,
  output: TriageSchema,
  run: (a) => triageText(a.subject ? `${a.subject}\n${a.text}` : a.text),
});
