import { z } from 'zod';

/** The workspace's language model as the API shows it: the settings in effect, never the key. */
export const LlmViewSchema = z.object({
  source: z.enum(['workspace', 'host']),
  provider: z.string(),
  model: z.string(),
  baseURL: z.string().optional(),
  api: z.enum(['chat', 'responses']).optional(),
  temperature: z.number().optional(),
  maxOutputTokens: z.number().optional(),
  hasApiKey: z.boolean(),
});
export type LlmView = z.infer<typeof LlmViewSchema>;
export const LlmSchema = z.object({ llm: LlmViewSchema });
/** Checked by the host's model settings (NH_WORKSPACE_LLM_INVALID names the field). */
export const LlmBodySchema = z.record(z.string().max(64), z.unknown());
