export {
  API_KEY_ENV,
  DEFAULT_LLM_CONFIG,
  DEFAULT_MODELS,
  type LlmConfig,
  type LlmConfigInput,
  LlmConfigSchema,
  type LlmProvider,
  LlmProviderSchema,
} from './config.js';
export { type LlmErrorCode, llmErrors } from './errors.js';
export { type CreateLlmOptions, createLlm, DEFAULT_MAX_STEPS, parseLlmConfig } from './llm.js';
export { createOfflineModel, OFFLINE_PROVIDER_ID, OfflineLanguageModel } from './offline/model.js';
export { OFFLINE_LABEL } from './offline/templates.js';
export { parseRetryAfter, toLlmError } from './provider-errors.js';
export { createLanguageModel, type ProviderOptions, resolveModelId } from './providers.js';
export { validateToolInput } from './sdk-tools.js';
export { createToolNameMap, fromProviderToolName, PROVIDER_TOOL_NAME, toProviderToolName } from './tool-names.js';
export {
  type Llm,
  type LlmCallInput,
  type LlmFinishReason,
  LlmFinishReasonSchema,
  type LlmMessage,
  LlmMessageSchema,
  type LlmResult,
  LlmResultSchema,
  type LlmStream,
  type LlmTool,
  type LlmToolCall,
  LlmToolCallSchema,
  type LlmUsage,
  type LlmUsageReport,
  LlmUsageReportSchema,
  LlmUsageSchema,
} from './types.js';
