import { join } from 'node:path';
import type { NeonHubError, PluginManifest } from '@neonhub/schemas';
import { attemptTimeout, pluginLimits } from './plugin-limits.js';
import { type LoadPluginsOptions, loadPlugins, type PluginProblem, pluginRoots, pluginsForCall } from './plugin-loading.js';
import { type DiscoveredPlugin, discoverPlugins } from './plugins/discover.js';
import { readLockfile } from './plugins/lock.js';
import { resolveLoadOrder } from './plugins/resolve.js';
import { type BackoffOptions, backoffDelay, defaultBackoff } from './runtimes/supervisor.js';

/**
 * Where a plugin is in its start: `waiting` (queued, or for a dependency that is not loaded yet), `starting`
 * (an attempt is running), `retrying` (an attempt failed; the next one is scheduled with the
 * crash backoff), `ready` (loaded and registered) or `failed` (refused for good: lock, manifest,
 * hooks out of process, a dependency that failed).
 */
export type PluginStartStatus = 'waiting' | 'starting' | 'retrying' | 'ready' | 'failed';

export interface PluginStartState {
  id: string;
  status: PluginStartStatus;
  /** Start attempts so far. */
  attempts: number;
  /** The manifest declares hooks: while it is not ready, workspaces that enable it fail closed. */
  hooks: boolean;
  error?: { code: string; message: string };
  /** When the next attempt runs (retrying). */
  retryAt?: string;
  /** Dependencies it waits for (waiting). */
  waitingFor?: string[];
}

export interface StartPluginsOptions extends Omit<LoadPluginsOptions, 'plan' | 'runtimeOptions'> {
  /** The host's problem list, kept current: a plugin's entry is replaced on each failure and removed once it loads. */
  problems: PluginProblem[];
  /** Called once per plugin when it has loaded (its tools and hooks are registered). */
  onLoaded?(manifest: PluginManifest): void;
  /** Delays between start attempts (the crash backoff by default). */
  backoff?: BackoffOptions;
}

export interface PluginStartup {
  /** Settles once every plugin has had its first attempt (loaded, refused, or failed once and retrying in the background). */
  firstPass: Promise<void>;
  states(): PluginStartState[];
  /** Plugins whose manifest declares hooks and that are not loaded now (fail closed for the workspaces that enable them). */
  missingPolicyPlugins(): string[];
  /** Called on every state change. */
  onChange(listener: (state: PluginStartState) => void): () => void;
  /** Cancels scheduled retries (the host is closing). */
  stop(): void;
}

/** Errors of a start that may succeed on a later attempt: an out-of-process plugin that timed out, died or was unreachable. */
function retriable(error: NeonHubError, outOfProcess: boolean): boolean {
  return outOfProcess && (error.code === 'NH_PLUGIN_LOAD_FAILED' || error.code === 'NH_PLUGIN_UNAVAILABLE');
}

/**
 * Discovers the plugins, then starts them one at a time in dependency order without holding anyone up: `firstPass`
 * settles after one attempt each, and a start that failed for a reason that may pass (a timeout, a
 * crash, an unreachable server) is retried with the crash backoff and a start timeout doubled per
 * attempt (at most 8x), until it loads or the host closes. A plugin waiting for a dependency starts
 * when the dependency does. Each plugin that loads is announced through `onLoaded`.
 */
export async function startPlugins(opts: StartPluginsOptions): Promise<PluginStartup> {
  const { config, problems } = opts;
  const backoff = { ...defaultBackoff, ...opts.backoff };
  const states = new Map<string, PluginStartState>();
  const plugins = new Map<string, DiscoveredPlugin>();
  const listeners = new Set<(state: PluginStartState) => void>();
  const timers = new Set<NodeJS.Timeout>();
  let outOfProcess = (_p: DiscoveredPlugin) => true;
  let stopped = false;
  let queue: Promise<void> = Promise.resolve();

  /** Kept current on every change: the pipeline reads it on every call that changes something. */
  let missing: string[] = [];
  const set = (id: string, patch: Partial<PluginStartState>) => {
    const prev = states.get(id)!;
    const { error: _e, retryAt: _r, waitingFor: _w, ...kept } = prev;
    const next = { ...kept, ...patch };
    states.set(id, next);
    missing = [...states.values()].filter((s) => s.hooks && s.status !== 'ready').map((s) => s.id);
    for (const l of listeners) l(next);
  };
  const setProblem = (plugin: DiscoveredPlugin, error?: NeonHubError) => {
    const at = problems.findIndex((p) => p.id === plugin.id);
    if (at >= 0) problems.splice(at, 1);
    if (error) problems.push({ id: plugin.id, dir: plugin.dir, error });
  };
  const readyIds = () => [...states.values()].filter((s) => s.status === 'ready').map((s) => s.id);

  /** Runs `task` after every task queued before it (one start at a time, as the host always did). */
  const enqueue = (task: () => Promise<void>) => {
    queue = queue.then(task, task);
    return queue;
  };
  /** Queues an attempt unless one for the plugin is queued already (two dependencies may become ready at once). */
  const queued = new Set<string>();
  const retry = (plugin: DiscoveredPlugin) => {
    if (queued.has(plugin.id)) return;
    queued.add(plugin.id);
    void enqueue(() => {
      queued.delete(plugin.id);
      return attempt(plugin);
    });
  };

  async function attempt(plugin: DiscoveredPlugin): Promise<void> {
    if (stopped || states.get(plugin.id)?.status === 'ready') return;
    const deps = Object.keys(plugin.manifest.dependencies);
    const pending = deps.filter((d) => states.get(d)?.status !== 'ready' && states.get(d)?.status !== 'failed');
    if (pending.length) {
      set(plugin.id, { status: 'waiting', waitingFor: pending });
      return;
    }
    const n = (states.get(plugin.id)?.attempts ?? 0) + 1;
    set(plugin.id, { status: 'starting', attempts: n });
    const { problems: _problems, onLoaded: _onLoaded, backoff: _backoff, onProgress: _onProgress, ...loadOptions } = opts;
    const result = await loadPlugins({
      ...loadOptions,
      only: [plugin.id],
      plan: { plugins: [plugin], loaded: readyIds() },
      runtimeOptions: (manifest) => {
        const limits = pluginLimits(config, manifest);
        return {
          backoff: { ...opts.backoff, startTimeoutMs: attemptTimeout(limits.startTimeoutMs, n) },
          resultMaxBytes: limits.resultMaxBytes,
        };
      },
    }).catch((err: NeonHubError) => ({ manifests: [] as PluginManifest[], problems: [{ id: plugin.id, dir: plugin.dir, error: err }] }));
    const manifest = result.manifests.find((m) => m.id === plugin.id);
    if (manifest && stopped) {
      await opts.registry.plugin(plugin.id)?.runtime.stop(); // the host closed while it was starting
      return;
    }
    if (manifest) {
      setProblem(plugin);
      set(plugin.id, { status: 'ready' });
      opts.onLoaded?.(manifest);
      if (n > 1) opts.logger.info({ plugin: plugin.id, attempts: n }, `plugin ${plugin.id} started on attempt ${n}`);
      for (const other of plugins.values()) if (states.get(other.id)?.waitingFor?.includes(plugin.id)) retry(other);
      return;
    }
    const error = result.problems.find((p) => p.id === plugin.id)?.error;
    if (!error) return;
    setProblem(plugin, error);
    if (stopped || !retriable(error, outOfProcess(plugin))) {
      set(plugin.id, { status: 'failed', error: { code: error.code, message: error.message } });
      opts.logger.warn({ plugin: plugin.id, code: error.code }, error.message);
      for (const other of plugins.values()) if (states.get(other.id)?.waitingFor?.includes(plugin.id)) retry(other);
      return;
    }
    const delay = backoffDelay(n, backoff);
    set(plugin.id, {
      status: 'retrying',
      error: { code: error.code, message: error.message },
      retryAt: new Date(Date.now() + delay).toISOString(),
    });
    opts.logger.warn({ plugin: plugin.id, code: error.code, attempt: n, retryInMs: delay }, `${error.message}; retrying in ${delay} ms`);
    const timer = setTimeout(() => {
      timers.delete(timer);
      retry(plugin);
    }, delay);
    timer.unref();
    timers.add(timer);
  }

  // Discovery and order are awaited (manifests only: fast), so every plugin is listed from the start.
  {
    const discovered = await discoverPlugins(pluginRoots(config), { repoRoot: config.rootDir });
    problems.push(...discovered.errors.map((e) => ({ dir: e.dir, error: e.error })));
    for (const e of discovered.errors) opts.logger.warn({ dir: e.dir, code: e.error.code }, e.error.message);
    const wanted = opts.only ?? (opts.forCall ? pluginsForCall(discovered.plugins, opts.forCall) : undefined);
    const candidates = wanted ? discovered.plugins.filter((p) => wanted.includes(p.id)) : discovered.plugins;
    // an unreadable lock stops the start, as it always did: nothing is trusted without it
    const lock = await readLockfile(join(config.rootDir, 'plugins.lock.json'));
    outOfProcess = (p) => p.manifest.runtime.type !== 'module' || lock.plugins[p.id]?.isolation === 'isolated';
    for (const p of candidates) {
      plugins.set(p.id, p);
      states.set(p.id, { id: p.id, status: 'waiting', attempts: 0, hooks: p.manifest.hooks.length > 0 });
    }
    missing = [...states.values()].filter((s) => s.hooks).map((s) => s.id);
    const { order, errors } = resolveLoadOrder(candidates);
    for (const e of errors) {
      const plugin = plugins.get(e.id);
      if (plugin) setProblem(plugin, e.error);
      set(e.id, { status: 'failed', error: { code: e.error.code, message: e.error.message } });
      opts.logger.warn({ plugin: e.id, code: e.error.code }, e.error.message);
    }
    let n = 0;
    for (const plugin of order)
      void enqueue(async () => {
        opts.onProgress?.(`loading plugins ${++n}/${order.length}: ${plugin.id}`);
        await attempt(plugin);
      });
  }
  const firstPass = queue;

  return {
    firstPass,
    states: () => [...states.values()].sort((a, b) => a.id.localeCompare(b.id)),
    missingPolicyPlugins: () => missing,
    onChange(listener) {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
    stop() {
      stopped = true;
      for (const t of timers) clearTimeout(t);
      timers.clear();
    },
  };
}

/** The startup of a host that loads no plugins (CLI commands that only touch the database). */
export const noPlugins: PluginStartup = {
  firstPass: Promise.resolve(),
  states: () => [],
  missingPolicyPlugins: () => [],
  onChange: () => () => {},
  stop() {},
};
