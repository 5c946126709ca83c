import { createAnthropic } from '@ai-sdk/anthropic';
import { createOpenAI } from '@ai-sdk/openai';
import { createOpenAICompatible } from '@ai-sdk/openai-compatible';
import type { LanguageModelV3 } from '@ai-sdk/provider';
import { createOllama } from 'ollama-ai-provider-v2';
import { API_KEY_ENV, DEFAULT_MODELS, type LlmConfig } from './config.js';
import { llmErrors } from './errors.js';
import { OfflineLanguageModel } from './offline/model.js';

export interface ProviderOptions {
  /** Where to look up API keys when the config has none (default `process.env`). */
  env?: Record<string, string | undefined>;
  /** A fetch for the provider packages (tests, proxies). */
  fetch?: typeof globalThis.fetch;
}

export function resolveModelId(config: LlmConfig): string {
  if (config.model) return config.model;
  if (config.provider === 'openai-compatible') {
    throw llmErrors.create('NH_LLM_CONFIG_INVALID', 'the openai-compatible provider needs a model name', { details: { field: 'model' } });
  }
  return DEFAULT_MODELS[config.provider];
}

function apiKeyFor(config: LlmConfig, env: Record<string, string | undefined>): string | undefined {
  if (config.apiKey) return config.apiKey;
  const variable = API_KEY_ENV[config.provider];
  const fromEnv = variable ? env[variable] : undefined;
  if (variable && !fromEnv) {
    throw llmErrors.create(
      'NH_LLM_CONFIG_INVALID',
      `the ${config.provider} provider needs an API key: set it in the workspace LLM settings or in ${variable}`,
      { details: { field: 'apiKey', env: variable } },
    );
  }
  return fromEnv;
}

/** The `ai` SDK language model for a validated config. Throws NH_LLM_CONFIG_INVALID when something is missing. */
export function createLanguageModel(config: LlmConfig, opts: ProviderOptions = {}): LanguageModelV3 {
  const env = opts.env ?? process.env;
  const modelId = resolveModelId(config);
  const fetch = opts.fetch;
  switch (config.provider) {
    case 'offline':
      return new OfflineLanguageModel(modelId);
    case 'openai': {
      const provider = createOpenAI({ apiKey: apiKeyFor(config, env), baseURL: config.baseURL, fetch });
      return config.api === 'responses' ? provider.responses(modelId) : provider.chat(modelId);
    }
    case 'anthropic':
      return createAnthropic({ apiKey: apiKeyFor(config, env), baseURL: config.baseURL, fetch })(modelId);
    case 'ollama':
      return createOllama({
        baseURL: config.baseURL,
        fetch,
        ...(config.apiKey ? { headers: { Authorization: `Bearer ${config.apiKey}` } } : {}),
      })(modelId);
    case 'openai-compatible': {
      if (!config.baseURL) {
        throw llmErrors.create('NH_LLM_CONFIG_INVALID', 'the openai-compatible provider needs a baseURL ending in /v1', {
          details: { field: 'baseURL' },
        });
      }
      return createOpenAICompatible({
        name: 'openai-compatible',
        baseURL: config.baseURL,
        apiKey: config.apiKey,
        includeUsage: true,
        fetch,
      }).chatModel(modelId);
    }
  }
}
