export { isNeonHubError, NeonHubError } from '@neonhub/schemas';
export {
  BRAND_KIT_COLLECTION,
  BRAND_KIT_SECTIONS,
  type BrandKitSection,
  brandKitKey,
  type MemoryAccess,
  type Recall,
  type RecalledChunk,
  type RecallOptions,
  type Remembered,
  type RememberedDocument,
  type RememberInput,
  WINNING_CONTENT_COLLECTION,
} from './contracts/memory.js';
export { definePlugin, defineTool } from './define.js';
export {
  type DeliverOnceOptions,
  type DeliverOnceResult,
  type DeliveryRecord,
  type DeliveryState,
  deliverOnce,
  readDelivery,
} from './deliver-once.js';
export { connectorErrors, promptErrors, sdkErrors } from './errors.js';
export { createMemoryStore } from './memory-store.js';
export { chooseVariant, engagementOf, storePromptOutcomes, type VariantEngagement } from './prompt-outcomes.js';
export {
  CONTROL_VARIANT,
  createPromptRegistry,
  definePrompt,
  type PromptDefinition,
  type PromptDefinitionInput,
  type PromptOutcome,
  type PromptOutcomeStore,
  type PromptRegistry,
  type PromptVariables,
  type RenderedPrompt,
  summarizeOutcomes,
  type VariantStats,
} from './prompts.js';
export {
  type DailyAnomaly,
  type DailyAnomalyOptions,
  type DailyAnomalyResult,
  daysBetween,
  denseSeries,
  detectDailyAnomalies,
} from './series/daily-anomalies.js';
export * from './social/index.js';
export * from './stats/index.js';
export { createKeyedLock, fingerprint, type RecordOnceResult, recordOnce, stableJson } from './store-helpers.js';
export { toJsonSchema } from './tool-schema.js';
export type * from './types.js';
export { createWriteBehind, type WriteBehind, type WriteBehindOptions } from './write-behind.js';
