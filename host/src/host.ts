import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { PluginManifest } from '@neonhub/schemas';
import type { Logger } from 'pino';
import { createCallLog } from './call-log.js';
import type { HostConfig } from './config.js';
import { startLocalFakes } from './connections/local-fakes.js';
import { type ContractResolver, createContractResolver } from './contracts.js';
import { createHostAudit } from './host-audit.js';
import { createLogger } from './logger.js';
import { createNotices, type Notices } from './notices.js';
import { heldCallObserver } from './notifications/held.js';
import { createOutbox, type Outbox, type OutboxOptions } from './outbox/index.js';
import { type CallRecord, type CallTool, createCallTool, mayCall } from './pipeline/call-tool.js';
import { watchAfterHooks } from './pipeline/hook-watch.js';
import { createHookChain, type HookChain } from './pipeline/hooks.js';
import { type PluginProblem, pluginRoots } from './plugin-loading.js';
import { createPluginReloader, type PluginReloadResult } from './plugin-reload.js';
import { noPlugins, type PluginStartup, startPlugins } from './plugin-startup.js';
import { createDriftMonitor, type DriftMonitor } from './plugins/drift.js';
import { discoverPlugins, readLockfile } from './plugins/index.js';
import { createToolRegistry, type ToolRegistry } from './registry.js';
import { rebucketResults } from './results/days.js';
import { LEARNING_TASK, learningTask } from './results/learning.js';
import { createDeliveryRecorder, createSendAttributor } from './results/sent.js';
import { SOCIAL_METRICS_TASK, socialMetricsTask } from './results/social-metrics.js';
import { type Clock, createScheduleService, type ScheduleService, SYSTEM_OWNER, type SystemTask } from './schedules/index.js';
import { openStorage, type Storage } from './storage.js';

export interface Host {
  config: HostConfig;
  logger: Logger;
  registry: ToolRegistry;
  hooks: HookChain;
  storage: Storage;
  callTool: CallTool;
  /** The enabled plugin providing each contract (policy, approvals, consent) per workspace. */
  contracts: ContractResolver;
  /** External sends of connectors, written before they are delivered, and their dispatcher (docs/outbox.md). */
  outbox: Outbox;
  /** Scheduled tool calls (ctx.scheduler, the calendar API); `startScheduleRunner` fires them (docs/schedules.md). */
  schedules: ScheduleService;
  /** The host's own recurring tasks the schedule runner runs (social metrics pulls), by name. */
  systemTasks: Readonly<Record<string, SystemTask>>;
  /** Plugins that were refused or failed to start, with the reason (a plugin that loads on a retry leaves it). */
  problems: PluginProblem[];
  /** Where each plugin is in its start (waiting, starting, retrying, ready, failed); `onChange` announces plugins that join late. */
  plugins: PluginStartup;
  /** Conditions an admin must act on (quarantined tools, ...): `/health` is degraded while any stands. */
  notices: Notices;
  /** Outside servers' tools compared with the lock at run time. */
  drift: DriftMonitor;
  /** Called when a plugin's tools changed at run time (quarantined, lifted, re-listed): tell its workspaces' MCP clients. */
  onPluginToolsChanged(listener: (pluginId: string) => void): () => void;
  /** Every finished call (as the call log receives it): the MCP gateway logs a workspace's to its sessions. */
  onToolCall(listener: (record: CallRecord) => void): () => void;
  manifest(pluginId: string): PluginManifest | undefined;
  /** Picks up plugins locked, changed or removed since the start, without a restart (POST /api/plugins/reload). */
  reloadPlugins(): Promise<PluginReloadResult>;
  close(): Promise<void>;
}

export interface CreateHostOptions {
  config: HostConfig;
  logger?: Logger;
  /** Load plugins (default true). The CLI skips it for commands that only touch the database. */
  plugins?: boolean;
  /** Restrict loading to these plugin ids (tests). */
  only?: string[];
  /** Load only the plugins a call to this plugin can touch (the CLI's `call`). */
  forCall?: string;
  /** Seed the `demo` workspace on first start (default true). */
  seed?: boolean;
  /**
   * Wait for every plugin's first start attempt before resolving (default true). `neonhub start` and
   * `neonhub mcp` pass false: they answer at once and plugins join as they become ready.
   */
  waitForPlugins?: boolean;
  onProgress?(text: string): void;
  /** Outbox settings (tests and benches: short leases, fast backoff, no worker). */
  outbox?: Partial<Omit<OutboxOptions, 'db' | 'logger' | 'pipeline' | 'manifest'>>;
  /** The scheduler's clock (tests run one ahead of real time; default the system clock). */
  clock?: Clock;
}

/** Boots the host: storage and migrations, then plugins verified against the lock, then the pipeline. */
/**
 * The demo workspace gets every first-party plugin except the real provider connectors (a `connector` block that
 * is not a sandbox): those are installed and locked, and a workspace enables one when it connects an account.
 */
export function seededInDemo(manifest: PluginManifest): boolean {
  return !manifest.connector || manifest.connector.sandbox;
}

export async function createHost(opts: CreateHostOptions): Promise<Host> {
  const { config } = opts;
  const logger = opts.logger ?? createLogger(config.logLevel);
  await mkdir(config.dataDir, { recursive: true });
  opts.onProgress?.('opening the database');
  const registry = createToolRegistry();
  const manifests = new Map<string, PluginManifest>();
  const storage = await openStorage(config, logger, (id) => manifests.get(id));
  const problems: PluginProblem[] = [];
  const notices = createNotices();
  const hooks = createHookChain(logger, watchAfterHooks(notices));
  const toolsChanged = new Set<(pluginId: string) => void>();
  const callListeners = new Set<(record: CallRecord) => void>();
  const drift = createDriftMonitor({
    lockPath: join(config.rootDir, 'plugins.lock.json'),
    dataDir: config.dataDir,
    registry,
    notices,
    audit: createHostAudit(join(config.dataDir, 'audit', 'host.jsonl')),
    logger,
    onToolsChanged: (pluginId) => {
      for (const l of toolsChanged) l(pluginId);
    },
  });

  // a workspace connected (or disconnected) an mcp-http plugin behind OAuth: its runtime lists the tools through it
  storage.mcpOAuth.onGrantChanged((pluginId, workspaceId, connected) =>
    registry.plugin(pluginId)?.runtime.grantChanged?.(workspaceId, connected),
  );

  const schedules = createScheduleService({
    db: storage.db,
    mayCall: (pluginId, tool) => {
      const manifest = registry.plugin(pluginId)?.manifest;
      return manifest !== undefined && mayCall(manifest, tool, registry.plugin(tool.split(':')[0] ?? '')?.manifest);
    },
    ...(opts.clock ? { clock: opts.clock } : {}),
    // the results' days are the workspace's: a new zone moves them
    timeZoneChanged: (workspaceId, zone) => rebucketResults(storage.db, workspaceId, zone),
  });
  const contracts = createContractResolver({
    enabledPlugins: async (ws) => (await storage.service.listEnabledPlugins(ws)).map((p) => p.pluginId),
    manifest: (id) => manifests.get(id) ?? registry.plugin(id)?.manifest,
  });
  // PGlite on this thread runs its queries here: its batches go in small slices so no call waits behind a long insert
  // (on its own thread, NEONHUB_PGLITE_THREAD=on, a whole batch is one statement that holds nothing here).
  const onThisThread = storage.dialect === 'pglite' && !config.pgliteThread;
  const callLog = createCallLog((records) => storage.recordCalls(records), logger, onThisThread ? { slice: 16 } : {});
  // Built after the pipeline (it delivers through it); the pipeline reaches it only when a call comes.
  let outbox: Outbox | undefined;
  const callTool = createCallTool({
    // what the approvals provider holds (and decides) outside runs, nested calls' too: the notifier and the badge
    observe: heldCallObserver({
      db: storage.db,
      provides: (pluginId, contract) => contracts.provides(pluginId, contract),
      resolveWorkspace: (ws) => storage.workspaces.resolve(ws),
      logger,
    }),
    registry,
    hooks,
    workspaces: storage.workspaces,
    logger,
    record: (r) => {
      callLog.record(r);
      for (const listener of callListeners) listener(r);
    },
    defaultTimeoutMs: config.toolTimeoutMs,
    missingPolicyPlugins: () => startup.missingPolicyPlugins(),
    providesApprovals: (pluginId) => contracts.provides(pluginId, 'approvals'),
    pluginState: (id) => startup.states().find((s) => s.id === id),
    scheduler: (workspace, pluginId, actor) => schedules.forPlugin(workspace, pluginId, actor),
    outbox: { submit: (submission) => outbox!.submit(submission) },
    attributeSend: createSendAttributor(
      storage.db,
      (id) => manifests.get(id) ?? registry.plugin(id)?.manifest,
      // where a tracked link of a draft's send points (the /r/ redirect): the public URL; a sandbox's, this host's port
      { publicUrl: process.env.NEONHUB_PUBLIC_URL || undefined, localUrl: `http://localhost:${config.port}` },
    ),
  });
  // A host without plugin code (CLI commands) only reads and changes outbox rows; the running host delivers them.
  const delivering = opts.plugins !== false;
  outbox = createOutbox({
    db: storage.db,
    logger: logger.child({ component: 'outbox' }),
    pipeline: callTool,
    manifest: (id) => manifests.get(id) ?? registry.plugin(id)?.manifest,
    onDelivered: createDeliveryRecorder({
      db: storage.db,
      logger: logger.child({ component: 'results' }),
      manifest: (id) => manifests.get(id) ?? registry.plugin(id)?.manifest,
      connectorEvents: storage.connectorEvents,
    }),
    ...(delivering && config.redisUrl ? { redisUrl: config.redisUrl } : {}),
    ...opts.outbox,
  });
  let startup: PluginStartup = noPlugins;
  const reloader = createPluginReloader({
    problems,
    manifests,
    config,
    logger,
    registry,
    hooks,
    hookContext: (pluginId, workspace) => callTool.hookContext(pluginId, workspace),
    drift,
    mcpOAuth: storage.mcpOAuth,
    ...(config.pluginRelistMs === undefined ? {} : { relistIntervalMs: config.pluginRelistMs }),
    onToolsChanged: (pluginId) => {
      for (const l of toolsChanged) l(pluginId);
    },
  });

  let stopFakes = async () => {};
  const host: Host = {
    config,
    logger,
    registry,
    hooks,
    storage,
    callTool,
    contracts,
    outbox,
    schedules,
    // social metrics and the learning loop: a system schedule each per workspace, run by the schedule runner
    systemTasks: {
      [SOCIAL_METRICS_TASK.tool]: socialMetricsTask({
        db: storage.db,
        callTool,
        manifest: (id: string) => manifests.get(id) ?? registry.plugin(id)?.manifest,
        logger: logger.child({ component: 'social-metrics' }),
        owner: SYSTEM_OWNER,
      }),
      [LEARNING_TASK.tool]: learningTask({
        db: storage.db,
        callTool,
        contracts,
        manifest: (id: string) => manifests.get(id) ?? registry.plugin(id)?.manifest,
        logger: logger.child({ component: 'learning' }),
        owner: SYSTEM_OWNER,
      }),
    },
    problems,
    get plugins() {
      return startup;
    },
    notices,
    drift,
    onPluginToolsChanged(listener) {
      toolsChanged.add(listener);
      return () => void toolsChanged.delete(listener);
    },
    onToolCall(listener) {
      callListeners.add(listener);
      return () => void callListeners.delete(listener);
    },
    manifest: (id) => manifests.get(id),
    async reloadPlugins() {
      if (opts.plugins !== false) return reloader.reload();
      // a host without plugin code (CLI commands) only reads manifests again
      const found = await discoverPlugins(pluginRoots(config), { repoRoot: config.rootDir });
      manifests.clear();
      for (const p of found.plugins) manifests.set(p.id, p.manifest);
      return { added: [], removed: [], reloaded: [], failed: [] };
    },
    async close() {
      startup.stop();
      await stopFakes();
      await outbox?.close();
      await drift.close();
      await callLog.flush();
      await Promise.allSettled(registry.plugins().map((p) => p.runtime.stop()));
      await storage.close();
    },
  };

  try {
    if (opts.plugins === false) {
      // Manifests only (no plugin code runs): enough to validate config and secrets for enable/secret.
      const found = await discoverPlugins(pluginRoots(config), { repoRoot: config.rootDir });
      for (const p of found.plugins) manifests.set(p.id, p.manifest);
    } else {
      await reloader.baseline();
      startup = reloader.withStartup(
        await startPlugins({
          problems,
          onLoaded: (m) => manifests.set(m.id, m),
          config,
          logger,
          registry,
          hooks,
          hookContext: (pluginId, workspace) => callTool.hookContext(pluginId, workspace),
          ...(opts.only ? { only: opts.only } : {}),
          ...(opts.forCall ? { forCall: opts.forCall } : {}),
          ...(opts.onProgress ? { onProgress: opts.onProgress } : {}),
          drift,
          mcpOAuth: storage.mcpOAuth,
          ...(config.pluginRelistMs === undefined ? {} : { relistIntervalMs: config.pluginRelistMs }),
        }),
      );
      drift.watchLock();
      if (opts.outbox?.worker !== false) {
        await outbox.start();
      }
    }
    /**
     * A host that answers before its plugins have started seeds `demo` at once (a newcomer's first command may
     * come before a slow plugin): with the first-party plugins the lock pins, validated by their manifests as
     * found. A call to one still starting says so (NH_PLUGIN_UNAVAILABLE); a write there waits for the policy
     * plugins to load (fail closed).
     */
    const seedBeforePlugins = async () => {
      if ((await storage.service.listWorkspaces()).length > 0) return;
      const found = await discoverPlugins(pluginRoots(config), { repoRoot: config.rootDir });
      const lock = await readLockfile(join(config.rootDir, 'plugins.lock.json'));
      const firstParty = found.plugins.filter((p) => p.source.type === 'workspace' && lock.plugins[p.id]);
      for (const p of firstParty) if (!manifests.has(p.id)) manifests.set(p.id, p.manifest);
      await storage.seedDemo(firstParty.filter((p) => seededInDemo(p.manifest)).map((p) => p.id));
    };
    const seed = async () => {
      if (opts.seed !== false)
        await storage.seedDemo(
          registry
            .plugins()
            .filter((p) => p.firstParty && seededInDemo(p.manifest))
            .map((p) => p.manifest.id),
        );
    };
    if (opts.waitForPlugins === false) {
      if (opts.seed !== false) await seedBeforePlugins();
      void startup.firstPass.catch((err) => logger.error({ err }, 'plugins did not start; see /health'));
    } else {
      await startup.firstPass;
      await seed();
    }
    if (config.connectors === 'local-fakes' && opts.plugins !== false) {
      // the demo reaches "real" connectors: provider fakes on loopback ports, allow-listed for the demo workspace only
      const fakes = await startLocalFakes({ storage, manifest: (id) => manifests.get(id), dataDir: config.dataDir, logger });
      stopFakes = fakes.stop;
      opts.onProgress?.(`local fakes: ${fakes.fakes.map((f) => `${f.name} at ${f.url}`).join(', ') || 'none'}`);
    }
  } catch (err) {
    await host.close().catch(() => {});
    throw err;
  }
  return host;
}
