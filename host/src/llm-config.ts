import { type LlmConfigInput, LlmConfigSchema } from '@neonhub/llm';
import { hostErrors } from './errors.js';

/**
 * The model the host gives plugins (ctx.llm): the offline model unless NEONHUB_LLM_PROVIDER names a
 * provider (openai | anthropic | ollama | openai-compatible) with NEONHUB_LLM_MODEL,
 * NEONHUB_LLM_BASE_URL and NEONHUB_LLM_API_KEY (or the provider's usual key variable).
 */
export function llmConfigFromEnv(env: NodeJS.ProcessEnv): LlmConfigInput {
  const provider = env.NEONHUB_LLM_PROVIDER || 'offline';
  const input = {
    provider,
    ...(env.NEONHUB_LLM_MODEL ? { model: env.NEONHUB_LLM_MODEL } : {}),
    ...(env.NEONHUB_LLM_BASE_URL ? { baseURL: env.NEONHUB_LLM_BASE_URL } : {}),
    ...(env.NEONHUB_LLM_API_KEY ? { apiKey: env.NEONHUB_LLM_API_KEY } : {}),
  };
  const parsed = LlmConfigSchema.safeParse(input);
  if (!parsed.success) {
    throw hostErrors.create(
      'NH_CONFIG_ENV_INVALID',
      `invalid NEONHUB_LLM_* settings: ${parsed.error.issues.map((i) => `${i.path.join('.')} ${i.message}`).join('; ')}`,
    );
  }
  return input as LlmConfigInput;
}
