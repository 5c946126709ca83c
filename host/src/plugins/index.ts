export {
  type DiscoveredPlugin,
  type DiscoverOptions,
  type DiscoveryError,
  type DiscoveryResult,
  discoverPlugins,
  sourceMarkerPath,
} from './discover.js';
export { type InstallOptions, installPlugin } from './install.js';
export {
  computeLockEntry,
  emptyLockfile,
  hashTools,
  LOCKFILE_NAME,
  type LockEntryOptions,
  type LockPluginsOptions,
  lockPlugins,
  normalizeLockfile,
  readLockfile,
  serializeLockfile,
  writeLockfile,
} from './lock.js';
export {
  diffLocks,
  type FilesDiff,
  formatLockDiff,
  isEmptyLockDiff,
  type LockDiff,
  type PluginChange,
  type ToolsDiff,
} from './lock-diff.js';
export { MANIFEST_FILE, MAX_MANIFEST_BYTES, readManifest } from './manifest.js';
export type { ManifestIssue } from './manifest-issues.js';
export { computeIntegrity, computePackDigest, listPackedFiles, type PackDigest } from './pack.js';
export { type ResolveOptions, type ResolveResult, resolveLoadOrder } from './resolve.js';
export { HASHED_TOOL_FIELDS, toolFieldHashes, toolHash } from './tool-hash.js';
export { compareTools, type ToolComparison, verifyAgainstLock } from './verify.js';
