/**
 * `@neonhub/sdk/host`: the parts of the SDK only the host (and its CLI and scripts) use — building a plugin's tool
 * context, reading and regenerating manifests, the error registries of the outbound guard and the scheduler. Plugins
 * never import it (host/test/boundaries.test.ts): their surface is `@neonhub/sdk` and `@neonhub/sdk/testing`.
 */
export { createMemoryAccess, MEMORY_CONTRACT, type MemoryCall } from './contracts/memory.js';
export { outboundErrors, scheduleErrors, undeclaredSecret } from './errors.js';
export { createGuardedFetch, hostAllowed } from './guarded-fetch.js';
export {
  loadPluginDefinition,
  manifestToolsFromPlugin,
  readManifestJson,
  type SyncResult,
  syncManifestFile,
  syncPluginDir,
} from './manifest-sync.js';
export { readOnlyStore, storeFor } from './read-only-store.js';
export { toolDefinitionOf } from './tool-schema.js';
