import type { Isolation } from '@neonhub/schemas';
import { hostErrors } from '../errors.js';
import { createMcpHttpRuntime, createMcpStdioRuntime } from './external-mcp.js';
import { createInProcessRuntime } from './in-process.js';
import { createIsolatedRuntime } from './isolated.js';
import { createMcpHttpOAuthRuntime } from './mcp-http-oauth.js';
import type { BackoffOptions } from './supervisor.js';
import type { PluginRuntime, RuntimeOptions } from './types.js';

export interface CreateRuntimeOptions extends RuntimeOptions {
  /** How a module plugin runs; ignored for MCP plugins (always out of process). */
  isolation: Isolation;
  /** Crash supervision of isolated and mcp-stdio plugins. */
  backoff?: BackoffOptions;
}

/**
 * The runtime for a plugin, by its manifest's runtime type and the chosen isolation. Call
 * `start()` on the result (which may reject with NH_PLUGIN_LOAD_FAILED); a module plugin that
 * declares hooks must run in-process (NH_PLUGIN_HOOKS_NEED_IN_PROCESS).
 */
export function createRuntime(opts: CreateRuntimeOptions): PluginRuntime {
  const { manifest } = opts;
  switch (manifest.runtime.type) {
    case 'module':
      if (opts.isolation === 'in-process') return createInProcessRuntime(opts);
      if (manifest.hooks.length > 0)
        throw hostErrors.create('NH_PLUGIN_HOOKS_NEED_IN_PROCESS', `plugin ${manifest.id} registers hooks, so it must run in-process`, {
          details: { plugin: manifest.id, hooks: manifest.hooks.map((h) => h.event) },
        });
      return createIsolatedRuntime(opts);
    case 'mcp-stdio':
      return createMcpStdioRuntime(opts);
    case 'mcp-http':
      return manifest.runtime.oauth ? createMcpHttpOAuthRuntime(opts) : createMcpHttpRuntime(opts);
  }
}

export { type BundleOptions, type BundleResult, bundlePlugin } from './bundle.js';
export { allowlistedEnv, createMcpHttpRuntime, createMcpStdioRuntime } from './external-mcp.js';
export { createInProcessRuntime, runWithTimeout } from './in-process.js';
export { createIsolatedRuntime, type IsolatedRuntimeOptions } from './isolated.js';
export { sideEffectFromAnnotations, toolDefinitionFromMcp } from './mcp-call.js';
export { createMcpHttpOAuthRuntime } from './mcp-http-oauth.js';
export { isolatedNodeArgs, permissionFlag } from './node-flags.js';
export { type BackoffOptions, backoffDelay, defaultBackoff } from './supervisor.js';
export type * from './types.js';
