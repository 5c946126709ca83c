import { join } from 'node:path';
import type { LockEntry, Lockfile, NeonHubError, PluginManifest } from '@neonhub/schemas';
import { hostErrors } from './errors.js';
import { type LoadPluginsOptions, loadPlugins, type PluginProblem, pluginRoots } from './plugin-loading.js';
import type { PluginStartState, PluginStartup } from './plugin-startup.js';
import { type DiscoveredPlugin, discoverPlugins } from './plugins/discover.js';
import { readLockfile } from './plugins/lock.js';
import { resolveLoadOrder } from './plugins/resolve.js';

/** What one reload changed. */
export interface PluginReloadResult {
  /** Loaded now for the first time (installed, scaffolded or locked since the host started). */
  added: string[];
  /** Stopped and forgotten: no longer installed, or no longer in plugins.lock.json. */
  removed: string[];
  /** Stopped and loaded again: their lock entry changed (new version, bytes, tools or isolation). */
  reloaded: string[];
  /** Locked plugins that did not load, with the reason (the host keeps running without them). */
  failed: { id: string; code: string; message: string }[];
}

export interface PluginReloaderOptions extends Omit<LoadPluginsOptions, 'only' | 'forCall' | 'plan' | 'onProgress'> {
  /** The host's problem list: a plugin's entry is replaced when it fails and removed when it loads or goes. */
  problems: PluginProblem[];
  /** The host's manifests of loaded plugins by id (enable and config validation read them). */
  manifests: Map<string, PluginManifest>;
  /** A plugin's tools appeared, changed or went away: its workspaces' MCP clients re-list. */
  onToolsChanged(pluginId: string): void;
}

const restartRequired = (id: string) =>
  hostErrors.create(
    'NH_PLUGIN_RESTART_REQUIRED',
    `plugin ${id} runs in-process and its code changed: this process cannot import the new version (Node keeps the modules it ran), so the one it runs stays until the host restarts; lock it --isolated to reload it without a restart`,
    { details: { plugin: id } },
  );

/** A lock entry as parsed (zod gives its keys in schema order, so equal entries stringify equally). */
const fingerprint = (entry: LockEntry | undefined) => (entry ? JSON.stringify(entry) : '');

/**
 * Picks up plugin changes while the host runs (`POST /api/plugins/reload`, which the CLI calls after
 * `plugin lock` and `plugin uninstall`): reads plugins.lock.json and the plugin folders again, and
 * loads, stops or restarts only the plugins that changed. A plugin loads only as its lock entry
 * allows (verified before any of its code runs, as at start); one that is not locked stays inert.
 * Reloads run one at a time.
 */
export function createPluginReloader(opts: PluginReloaderOptions) {
  const { registry, hooks, manifests, problems } = opts;
  /** The lock entry each loaded plugin was loaded under. */
  const loadedUnder = new Map<string, string>();
  /** Plugins whose module this process imported: Node cannot import a new version of them (isolated, it can). */
  const importedInProcess = new Map<string, string>();
  /** States this reloader changed, shown over the startup's own. */
  const overlay = new Map<string, PluginStartState | null>();
  let queue: Promise<unknown> = Promise.resolve();
  let startup: PluginStartup | undefined;

  const setProblem = (id: string, dir: string, error?: NeonHubError) => {
    const at = problems.findIndex((p) => p.id === id);
    if (at >= 0) problems.splice(at, 1);
    if (error) problems.push({ id, dir, error });
  };

  /** It would run in-process, and this process already imported other code under its id (the import would return that). */
  const staleImport = (plugin: DiscoveredPlugin, lock: Lockfile) => {
    const entry = lock.plugins[plugin.id];
    const imported = importedInProcess.get(plugin.id);
    return (
      plugin.manifest.runtime.type === 'module' &&
      entry?.isolation !== 'isolated' &&
      imported !== undefined &&
      imported !== fingerprint(entry)
    );
  };

  async function unload(id: string) {
    const plugin = registry.plugin(id);
    hooks.unregister(id);
    registry.removePlugin(id);
    await opts.drift?.forget(id); // its quarantine notices go with it
    manifests.delete(id);
    loadedUnder.delete(id);
    await plugin?.runtime.stop().catch((err) => opts.logger.warn({ err, plugin: id }, `plugin ${id} did not stop cleanly`));
  }

  async function load(plugin: DiscoveredPlugin, lock: Lockfile): Promise<NeonHubError | undefined> {
    overlay.set(plugin.id, { id: plugin.id, status: 'starting', attempts: 1, hooks: plugin.manifest.hooks.length > 0 });
    const result = await loadPlugins({
      ...opts,
      only: [plugin.id],
      plan: { plugins: [plugin], loaded: registry.plugins().map((p) => p.manifest.id) },
    }).catch((err: NeonHubError) => ({ manifests: [] as PluginManifest[], problems: [{ id: plugin.id, dir: plugin.dir, error: err }] }));
    const manifest = result.manifests.find((m) => m.id === plugin.id);
    const base = { id: plugin.id, attempts: 1, hooks: plugin.manifest.hooks.length > 0 };
    if (manifest) {
      if (registry.plugin(plugin.id)?.isolation === 'in-process') importedInProcess.set(plugin.id, fingerprint(lock.plugins[plugin.id]));
      manifests.set(plugin.id, manifest);
      loadedUnder.set(plugin.id, fingerprint(lock.plugins[plugin.id]));
      setProblem(plugin.id, plugin.dir);
      overlay.set(plugin.id, { ...base, status: 'ready' });
      return undefined;
    }
    const error = result.problems.find((p) => p.id === plugin.id)?.error;
    setProblem(plugin.id, plugin.dir, error);
    overlay.set(plugin.id, { ...base, status: 'failed', ...(error ? { error: { code: error.code, message: error.message } } : {}) });
    return error;
  }

  async function reload(): Promise<PluginReloadResult> {
    const lock = await readLockfile(join(opts.config.rootDir, 'plugins.lock.json'));
    const found = await discoverPlugins(pluginRoots(opts.config), { repoRoot: opts.config.rootDir });
    const byId = new Map(found.plugins.map((p) => [p.id, p]));
    const busy = new Set((startup?.states() ?? []).filter((s) => s.status !== 'ready' && s.status !== 'failed').map((s) => s.id));
    const loaded = registry.plugins().map((p) => p.manifest.id);
    // a plugin loaded at start was loaded under the lock as it was then: the first reload takes that as its baseline
    for (const id of loaded) {
      if (!loadedUnder.has(id)) loadedUnder.set(id, initial.get(id) ?? '');
      if (registry.plugin(id)?.isolation === 'in-process') importedInProcess.set(id, loadedUnder.get(id)!);
    }

    const result: PluginReloadResult = { added: [], removed: [], reloaded: [], failed: [] };
    for (const id of loaded) {
      if (!byId.has(id) || !lock.plugins[id]) {
        const hadHooks = (registry.plugin(id)?.manifest.hooks.length ?? 0) > 0;
        await unload(id);
        setProblem(id, '');
        // a policy plugin that went away leaves the workspaces that enable it failing closed
        overlay.set(
          id,
          hadHooks
            ? {
                id,
                status: 'failed',
                attempts: 0,
                hooks: true,
                error: { code: 'NH_PLUGIN_NOT_FOUND', message: `plugin ${id} was removed` },
              }
            : null,
        );
        result.removed.push(id);
      } else if (fingerprint(lock.plugins[id]) !== loadedUnder.get(id)) {
        if (staleImport(byId.get(id)!, lock)) {
          // Node keeps every module it imported: the new code could not replace the old in this process
          const error = restartRequired(id);
          result.failed.push({ id, code: error.code, message: error.message });
          continue;
        }
        await unload(id);
        result.reloaded.push(id);
      }
    }
    const candidates = found.plugins.filter((p) => lock.plugins[p.id] && !registry.plugin(p.id) && !busy.has(p.id));
    const { order, errors } = resolveLoadOrder(found.plugins.filter((p) => lock.plugins[p.id]));
    for (const e of errors)
      if (candidates.some((c) => c.id === e.id)) result.failed.push({ id: e.id, code: e.error.code, message: e.error.message });
    for (const plugin of order) {
      if (!candidates.includes(plugin)) continue;
      if (staleImport(plugin, lock)) {
        const error = restartRequired(plugin.id);
        setProblem(plugin.id, plugin.dir, error);
        result.failed.push({ id: plugin.id, code: error.code, message: error.message });
        continue;
      }
      const error = await load(plugin, lock);
      if (error) result.failed.push({ id: plugin.id, code: error.code, message: error.message });
      else if (!result.reloaded.includes(plugin.id)) result.added.push(plugin.id);
    }
    for (const id of [...result.added, ...result.removed, ...result.reloaded]) opts.onToolsChanged(id);
    if (result.added.length + result.removed.length + result.reloaded.length + result.failed.length)
      opts.logger.info(result, 'plugins reloaded');
    return result;
  }

  /** The lock entries at start, the baseline of plugins the startup loaded. */
  const initial = new Map<string, string>();

  return {
    /** Records the lock as the host starts with it (before plugins load). */
    async baseline(): Promise<void> {
      const lock = await readLockfile(join(opts.config.rootDir, 'plugins.lock.json')).catch(() => undefined);
      for (const [id, entry] of Object.entries(lock?.plugins ?? {})) initial.set(id, fingerprint(entry));
    },
    /** Reloads what changed; concurrent calls run one after another. */
    reload(): Promise<PluginReloadResult> {
      const next = queue.then(reload, reload);
      queue = next.catch(() => {});
      return next;
    },
    /** The startup's view with this reloader's changes on top (for /health and fail-closed calls). */
    withStartup(s: PluginStartup): PluginStartup {
      startup = s;
      const states = () => {
        const merged = new Map(s.states().map((x) => [x.id, x] as const));
        for (const [id, state] of overlay) {
          if (state) merged.set(id, state);
          else merged.delete(id);
        }
        return [...merged.values()].sort((a, b) => a.id.localeCompare(b.id));
      };
      return {
        ...s,
        states,
        missingPolicyPlugins: () =>
          states()
            .filter((x) => x.hooks && x.status !== 'ready')
            .map((x) => x.id),
      };
    },
  };
}

export type PluginReloader = ReturnType<typeof createPluginReloader>;
