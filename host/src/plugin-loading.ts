import { join } from 'node:path';
import type { NeonHubError, PluginManifest, ToolDefinition } from '@neonhub/schemas';
import type { HookContext } from '@neonhub/sdk';
import type { Logger } from 'pino';
import type { HostConfig } from './config.js';
import { hostErrors } from './errors.js';
import type { McpOAuthService } from './mcp-oauth/index.js';
import type { HookChain } from './pipeline/hooks.js';
import { type DiscoveredPlugin, discoverPlugins } from './plugins/discover.js';
import type { DriftMonitor } from './plugins/drift.js';
import { installationSecrets } from './plugins/installation-secrets.js';
import { readLockfile, toolHash } from './plugins/lock.js';
import { resolveLoadOrder } from './plugins/resolve.js';
import { compareTools, verifyAgainstLock } from './plugins/verify.js';
import type { ToolRegistry } from './registry.js';
import { type CreateRuntimeOptions, createRuntime } from './runtimes/index.js';

export interface PluginProblem {
  id?: string;
  dir: string;
  error: NeonHubError;
}

export interface LoadPluginsOptions {
  config: HostConfig;
  logger: Logger;
  registry: ToolRegistry;
  hooks: HookChain;
  hookContext(pluginId: string, workspace: { id: string; slug: string }): Promise<HookContext>;
  only?: string[];
  /** Load only what a call to this plugin's tools can touch (see pluginsForCall); the CLI's `call`. */
  forCall?: string;
  onProgress?(text: string): void;
  /**
   * Skip discovery and ordering: load exactly these plugins, in this order, their dependencies among
   * `loaded` (plugin-startup.ts loads one plugin at a time this way, and retries failed starts).
   */
  plan?: { plugins: DiscoveredPlugin[]; loaded: Iterable<string> };
  /** Extra runtime options per plugin: its start timeout (backoff.startTimeoutMs) and result size limit. */
  runtimeOptions?(manifest: PluginManifest): Partial<Pick<CreateRuntimeOptions, 'backoff' | 'resultMaxBytes'>>;
  /** Judges outside servers' tools against the lock at start and whenever they change (see createDriftMonitor). */
  drift?: DriftMonitor;
  /** Outside servers' periodic re-list (ms; 0 = off). */
  relistIntervalMs?: number;
  /** `mcp-http` plugins behind OAuth: each workspace's grant (storage.mcpOAuth). */
  mcpOAuth?: McpOAuthService;
}

/** What an mcp-http runtime behind OAuth needs of the host's OAuth service, for one plugin. */
function mcpOAuthAccess(service: McpOAuthService, manifest: PluginManifest): NonNullable<CreateRuntimeOptions['oauth']> {
  const pluginId = manifest.id;
  // its start lists the tools through a connected workspace before the host's manifest map has the plugin
  service.loading(manifest);
  return {
    providerFor: async (workspaceId) => service.providerFor(await service.workspace(workspaceId), pluginId),
    connectedWorkspaces: () => service.connectedWorkspaces(pluginId),
  };
}

export const pluginRoots = (config: HostConfig) => [
  join(config.rootDir, 'plugins'),
  join(config.rootDir, 'mcp-servers'),
  join(config.dataDir, 'plugins'),
];

/**
 * The plugins one call to `pluginId` can touch: that plugin, its dependencies and whatever its
 * `calls` patterns reach (transitively), plus every plugin with hooks and their dependencies (the
 * policy and audit of the call). A hook that calls another plugin's tool would find it unloaded;
 * no first-party hook does.
 */
export function pluginsForCall(plugins: DiscoveredPlugin[], pluginId: string): string[] {
  const byId = new Map(plugins.map((p) => [p.id, p.manifest]));
  const needed = new Set<string>();
  const add = (id: string, followCalls: boolean) => {
    const manifest = byId.get(id);
    if (!manifest || needed.has(id)) return;
    needed.add(id);
    for (const dep of Object.keys(manifest.dependencies)) add(dep, followCalls);
    if (!followCalls) return;
    for (const pattern of manifest.calls) {
      if (pattern === '*') for (const other of byId.keys()) add(other, true);
      else add(pattern.split(':')[0]!, true);
    }
  };
  add(pluginId, true);
  for (const [id, manifest] of byId) if (manifest.hooks.length > 0) add(id, false);
  return [...needed];
}

/** Tools a module plugin registers in code must equal what its manifest declares. */
function toolsMismatch(declared: ToolDefinition[], actual: ToolDefinition[]): string[] {
  const want = new Map(declared.map((t) => [t.name, toolHash(t)]));
  const have = new Map(actual.map((t) => [t.name, toolHash(t)]));
  const problems: string[] = [];
  for (const [name, hash] of want)
    if (have.get(name) !== hash)
      problems.push(have.has(name) ? `${name} differs from its manifest entry` : `${name} is declared but not defined`);
  for (const name of have.keys()) if (!want.has(name)) problems.push(`${name} is defined but not declared`);
  return problems;
}

/**
 * Discovers plugins, orders them by dependency, verifies each against plugins.lock.json BEFORE
 * importing any of its code, starts its runtime and registers its tools and hooks. A bad plugin is
 * reported and skipped, never taking the host down.
 */
export async function loadPlugins(opts: LoadPluginsOptions): Promise<{ manifests: PluginManifest[]; problems: PluginProblem[] }> {
  const { config, logger, registry, hooks } = opts;
  const problems: PluginProblem[] = [];
  const discovered = opts.plan
    ? { plugins: opts.plan.plugins, errors: [] }
    : await discoverPlugins(pluginRoots(config), { repoRoot: config.rootDir });
  problems.push(...discovered.errors.map((e) => ({ dir: e.dir, error: e.error })));
  const wanted = opts.only ?? (opts.forCall ? pluginsForCall(discovered.plugins, opts.forCall) : undefined);
  const candidates = wanted ? discovered.plugins.filter((p) => wanted.includes(p.id)) : discovered.plugins;
  const { order, errors } = opts.plan ? { order: opts.plan.plugins, errors: [] } : resolveLoadOrder(candidates);
  for (const e of errors) problems.push({ id: e.id, dir: candidates.find((p) => p.id === e.id)?.dir ?? '', error: e.error });
  const lock = await readLockfile(join(config.rootDir, 'plugins.lock.json'));
  const loaded = new Set<string>(opts.plan?.loaded);
  const manifests: PluginManifest[] = [];

  let n = 0;
  for (const plugin of order) {
    n++;
    opts.onProgress?.(`loading plugins ${n}/${order.length}: ${plugin.id}`);
    const missing = Object.keys(plugin.manifest.dependencies).filter((d) => !loaded.has(d));
    if (missing.length) {
      problems.push({
        id: plugin.id,
        dir: plugin.dir,
        error: hostErrors.create('NH_PLUGIN_DEPENDENCY_MISSING', `plugin ${plugin.id} needs ${missing.join(', ')}, which did not load`, {
          details: { missing },
        }),
      });
      continue;
    }
    try {
      await verifyAgainstLock(plugin, lock);
      const entry = lock.plugins[plugin.id]!;
      const isMcp = plugin.manifest.runtime.type !== 'module';
      if (plugin.manifest.hooks.length && (isMcp || entry.isolation === 'isolated')) {
        throw hostErrors.create('NH_PLUGIN_HOOKS_NEED_IN_PROCESS', `plugin ${plugin.id} declares hooks but is not loaded in-process`, {
          details: { plugin: plugin.id },
        });
      }
      const runtime = createRuntime({
        manifest: plugin.manifest,
        dir: plugin.dir,
        cacheDir: join(config.dataDir, 'cache'),
        dataDir: join(config.dataDir, 'plugin-data', plugin.id),
        logger,
        isolation: entry.isolation,
        ...opts.runtimeOptions?.(plugin.manifest),
        onStatus: (status, info) => logger.info({ plugin: plugin.id, status, ...info }, `plugin ${plugin.id} is ${status}`),
        resolveSecret: installationSecrets(plugin.id),
        outboundAllow: config.outboundAllow,
        ...(isMcp && opts.drift
          ? {
              checkTools: opts.drift.checkFor(plugin.id),
              onListChanged: opts.drift.changedFor(plugin.id),
              onToolsUnlisted: opts.drift.unlistedFor(plugin.id),
            }
          : {}),
        ...(opts.relistIntervalMs === undefined ? {} : { relistIntervalMs: opts.relistIntervalMs }),
        ...(opts.mcpOAuth && plugin.manifest.runtime.type === 'mcp-http' && plugin.manifest.runtime.oauth
          ? { oauth: mcpOAuthAccess(opts.mcpOAuth, plugin.manifest) }
          : {}),
      });
      await runtime.start().catch(async (err) => {
        await runtime.stop().catch(() => {}); // a failed start leaves nothing running (it may be retried)
        throw err;
      });
      const tools = await runtime.listTools();
      let quarantine: Record<string, string> = {};
      if (isMcp && runtime.quarantinedTools && opts.drift) {
        quarantine = Object.fromEntries(runtime.quarantinedTools());
        const recheck = runtime.recheckTools?.bind(runtime);
        if (recheck) opts.drift.track(plugin.id, recheck);
      } else if (isMcp) {
        const cmp = compareTools(plugin.id, tools, entry);
        quarantine = Object.fromEntries([
          ...cmp.changed.map((name) => [name, 'its name, description or schemas differ from the lock'] as const),
          ...cmp.added.map((name) => [name, 'it is new since the lock'] as const),
        ]);
        if (Object.keys(quarantine).length)
          logger.warn({ plugin: plugin.id, tools: Object.keys(quarantine) }, 'tools quarantined until `neonhub plugin lock` approves them');
      } else {
        const mismatch = toolsMismatch(plugin.manifest.tools, tools);
        if (mismatch.length) {
          await runtime.stop();
          throw hostErrors.create(
            'NH_PLUGIN_TOOLS_MISMATCH',
            `plugin ${plugin.id}: ${mismatch.join('; ')}. Run \`neonhub plugin sync ${plugin.id}\``,
            {
              details: { plugin: plugin.id, mismatch },
            },
          );
        }
      }
      registry.addPlugin(
        {
          manifest: plugin.manifest,
          dir: plugin.dir,
          runtime,
          isolation: isMcp ? 'mcp' : entry.isolation,
          firstParty: plugin.source.type === 'workspace',
        },
        isMcp ? tools : plugin.manifest.tools,
        quarantine,
      );
      if (runtime.hooks) {
        const priority = Object.fromEntries(plugin.manifest.hooks.map((h) => [h.event, h.priority]));
        hooks.register({ pluginId: plugin.id, priority, hooks: runtime.hooks, context: (ws) => opts.hookContext(plugin.id, ws) });
      }
      loaded.add(plugin.id);
      manifests.push(plugin.manifest);
    } catch (err) {
      const error = (err as NeonHubError).code
        ? (err as NeonHubError)
        : hostErrors.create('NH_PLUGIN_LOAD_FAILED', `plugin ${plugin.id} failed to load: ${(err as Error).message}`, { cause: err });
      problems.push({ id: plugin.id, dir: plugin.dir, error });
    }
  }
  return { manifests, problems };
}
