export { isNeonHubError, NeonHubError } from '@neonhub/schemas';
export { definePlugin, defineTool } from './define.js';
export { sdkErrors } from './errors.js';
export { createGuardedFetch, hostAllowed } from './guarded-fetch.js';
export {
  loadPluginDefinition,
  manifestToolsFromPlugin,
  readManifestJson,
  type SyncResult,
  syncManifestFile,
  syncPluginDir,
} from './manifest-sync.js';
export { createMemoryStore } from './memory-store.js';
export { createKeyedLock, fingerprint, type RecordOnceResult, recordOnce, stableJson } from './store-helpers.js';
export { toJsonSchema, toolDefinitionOf } from './tool-schema.js';
export type * from './types.js';
