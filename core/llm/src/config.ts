import { z } from 'zod';

/** Which backend answers: the embedded offline model, or a real provider through the `ai` SDK. */
export const LlmProviderSchema = z.enum(['offline', 'openai', 'anthropic', 'ollama', 'openai-compatible']);
export type LlmProvider = z.infer<typeof LlmProviderSchema>;

/**
 * The LLM settings of a workspace. Serializable (no callbacks): it is stored per workspace.
 * The default, `{ provider: 'offline' }`, needs no key and no network.
 */
export const LlmConfigSchema = z
  .strictObject({
    provider: LlmProviderSchema.default('offline'),
    /** Provider model id; each provider has a default (see `DEFAULT_MODELS`), `openai-compatible` has none. */
    model: z.string().min(1).max(200).optional(),
    /** Override the endpoint. OpenAI/OpenAI-compatible and Anthropic: include `/v1`. Ollama: include `/api`. */
    baseURL: z.url({ protocol: /^https?$/ }).optional(),
    /** Falls back to OPENAI_API_KEY / ANTHROPIC_API_KEY from the environment when absent. */
    apiKey: z.string().min(1).optional(),
    temperature: z.number().min(0).max(2).optional(),
    maxOutputTokens: z.number().int().min(1).max(1_000_000).optional(),
    /** Retries the `ai` SDK itself makes on 429/5xx/network errors, with exponential backoff. */
    maxRetries: z.number().int().min(0).max(10).default(2),
    /** OpenAI only: `chat` = /v1/chat/completions (default), `responses` = /v1/responses. */
    api: z.enum(['chat', 'responses']).optional(),
  })
  .superRefine((c, ctx) => {
    if (c.provider === 'openai-compatible') {
      if (!c.baseURL) ctx.addIssue({ code: 'custom', path: ['baseURL'], message: 'openai-compatible needs a baseURL (ending in /v1)' });
      if (!c.model) ctx.addIssue({ code: 'custom', path: ['model'], message: 'openai-compatible needs a model' });
    }
    if (c.api !== undefined && c.provider !== 'openai') {
      ctx.addIssue({ code: 'custom', path: ['api'], message: 'api applies to the openai provider only' });
    }
  });
export type LlmConfig = z.infer<typeof LlmConfigSchema>;
export type LlmConfigInput = z.input<typeof LlmConfigSchema>;

export const DEFAULT_LLM_CONFIG: LlmConfig = LlmConfigSchema.parse({ provider: 'offline' });

/** The model used when the config names none. */
export const DEFAULT_MODELS: Record<Exclude<LlmProvider, 'openai-compatible'>, string> = {
  offline: 'neonhub-offline-1',
  openai: 'gpt-4.1-mini',
  anthropic: 'claude-sonnet-4-5',
  ollama: 'llama3.2',
};

/** Environment variables read for an API key when the config has none. */
export const API_KEY_ENV: Partial<Record<LlmProvider, string>> = {
  openai: 'OPENAI_API_KEY',
  anthropic: 'ANTHROPIC_API_KEY',
};
