import { watch } from 'node:fs';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { Lockfile, ToolDefinition } from '@neonhub/schemas';
import type { Logger } from 'pino';
import type { HostAudit } from '../host-audit.js';
import type { Notices } from '../notices.js';
import type { ToolRegistry } from '../registry.js';
import type { ToolsCheck, ToolsCheckReason } from '../runtimes/tool-gate.js';
import { readLockfile } from './lock.js';
import { toolHash } from './tool-hash.js';
import { compareTools } from './verify.js';

/** `<dataDir>/quarantine.json`: the tools a running host refuses, so `neonhub plugin verify` can say so. */
export interface QuarantineFile {
  plugins: Record<string, Record<string, { reason: string; hash: string; since: string }>>;
}

export const quarantinePath = (dataDir: string) => join(dataDir, 'quarantine.json');

export async function readQuarantine(dataDir: string): Promise<QuarantineFile> {
  try {
    const parsed = JSON.parse(await readFile(quarantinePath(dataDir), 'utf8')) as QuarantineFile;
    return parsed && typeof parsed.plugins === 'object' ? parsed : { plugins: {} };
  } catch {
    return { plugins: {} };
  }
}

/**
 * Quarantined tools that the lock has not approved since: a tool stays on this list until the lock
 * pins the very definition the server served (`neonhub plugin lock <id>` after a review).
 */
export function standingQuarantine(
  file: QuarantineFile,
  lock: Lockfile,
): { plugin: string; tool: string; reason: string; since: string }[] {
  const out: { plugin: string; tool: string; reason: string; since: string }[] = [];
  for (const [plugin, tools] of Object.entries(file.plugins))
    for (const [tool, q] of Object.entries(tools))
      if (lock.plugins[plugin]?.tools[tool] !== q.hash) out.push({ plugin, tool, reason: q.reason, since: q.since });
  return out;
}

export interface DriftMonitorDeps {
  lockPath: string;
  dataDir: string;
  registry: ToolRegistry;
  notices: Notices;
  audit: HostAudit;
  logger: Logger;
  /** Tells the MCP clients of every workspace where the plugin is enabled that its tools changed. */
  onToolsChanged(pluginId: string): void;
}

const reasonFor = (changedFields: string[] | undefined) =>
  changedFields?.length
    ? `its ${changedFields.join(', ')} differ${changedFields.length === 1 ? 's' : ''} from the lock`
    : 'its name, description or schemas differ from the lock';

/**
 * Compares every listing of an outside MCP server's tools with plugins.lock.json (at start, on
 * `notifications/tools/list_changed`, on the periodic re-list, after a restart and when the lock
 * file changes). A changed or new tool is quarantined: refused with NH_TOOL_QUARANTINED and hidden,
 * an admin notice is raised (`/health` degraded), an entry goes to the host audit log, the running
 * host's quarantine is written to `<dataDir>/quarantine.json` (read by `neonhub plugin verify`)
 * and the workspaces' MCP clients get list_changed. A lock that approves the tools lifts it.
 */
export function createDriftMonitor(deps: DriftMonitorDeps) {
  const { registry, notices, logger } = deps;
  const state = new Map<string, Map<string, { reason: string; hash: string; since: string }>>();
  const rechecks = new Map<string, () => Promise<void>>();
  let writing = Promise.resolve();

  /** Rewrites this host's plugins in quarantine.json (a plugin it did not load keeps its entry). */
  const persist = () => {
    const target = quarantinePath(deps.dataDir);
    writing = writing
      .then(async () => {
        const file = await readQuarantine(deps.dataDir);
        for (const [plugin, tools] of state) {
          if (tools.size) file.plugins[plugin] = Object.fromEntries(tools);
          else delete file.plugins[plugin];
        }
        await mkdir(dirname(target), { recursive: true });
        const tmp = `${target}.${process.pid}.tmp`;
        await writeFile(tmp, `${JSON.stringify(file, null, 2)}\n`);
        await rename(tmp, target);
      })
      .catch((err) => logger.error({ err }, 'could not write quarantine.json'));
    return writing;
  };

  async function judge(pluginId: string, tools: ToolDefinition[], reason: ToolsCheckReason): Promise<Record<string, string>> {
    const lock = await readLockfile(deps.lockPath).catch(() => undefined);
    const entry = lock?.plugins[pluginId];
    const verdict: Record<string, string> = {};
    if (!entry) for (const t of tools) verdict[t.name] = 'the plugin is no longer pinned in plugins.lock.json';
    else {
      const cmp = compareTools(pluginId, tools, entry);
      for (const name of cmp.changed) verdict[name] = reasonFor(cmp.changedFields[name]);
      for (const name of cmp.added) verdict[name] = 'it is new since the lock';
    }
    await apply(pluginId, tools, verdict, reason);
    return verdict;
  }

  async function apply(pluginId: string, tools: ToolDefinition[], verdict: Record<string, string>, reason: ToolsCheckReason) {
    const before = state.get(pluginId) ?? new Map();
    const now = new Map<string, { reason: string; hash: string; since: string }>();
    const byName = new Map(tools.map((t) => [t.name, t]));
    for (const [name, why] of Object.entries(verdict)) {
      const hash = toolHash(byName.get(name)!);
      const prior = before.get(name);
      now.set(name, { reason: why, hash, since: prior?.hash === hash ? prior.since : new Date().toISOString() });
    }
    const added = [...now].filter(([name, q]) => before.get(name)?.hash !== q.hash).map(([name]) => name);
    const lifted = [...before.keys()].filter((name) => !now.has(name));
    state.set(pluginId, now);

    const listedBefore = registry.plugin(pluginId) ? registry.all().filter((t) => t.pluginId === pluginId) : undefined;
    // At start the plugin is registered after this check, with this verdict (see loadPlugins).
    if (listedBefore) registry.setPluginTools(pluginId, tools, verdict);

    notices.clear(`quarantine:${pluginId}:`);
    for (const [name, q] of now)
      notices.raise({
        key: `quarantine:${pluginId}:${name}`,
        code: 'NH_TOOL_QUARANTINED',
        plugin: pluginId,
        message: `${pluginId}:${name} is quarantined: ${q.reason}. Review it and run \`neonhub plugin lock ${pluginId}\``,
        details: { tool: `${pluginId}:${name}`, reason: q.reason, detectedOn: reason },
      });
    for (const name of added) {
      logger.warn({ plugin: pluginId, tool: name, reason: now.get(name)!.reason, on: reason }, 'tool quarantined');
      await deps.audit
        .append('plugin.tool_quarantined', {
          plugin: pluginId,
          tool: name,
          reason: now.get(name)!.reason,
          hash: now.get(name)!.hash,
          on: reason,
        })
        .catch((err) => logger.error({ err }, 'could not write the host audit log'));
    }
    for (const name of lifted) {
      logger.info({ plugin: pluginId, tool: name }, 'tool quarantine lifted');
      await deps.audit
        .append('plugin.tool_quarantine_lifted', { plugin: pluginId, tool: name, on: reason })
        .catch((err) => logger.error({ err }, 'could not write the host audit log'));
    }
    if (added.length || lifted.length || reason === 'start') await persist();
    const listChanged =
      listedBefore !== undefined &&
      (added.length > 0 ||
        lifted.length > 0 ||
        listedBefore.length !== tools.length ||
        listedBefore.some((t) => toolHash(t.definition) !== (byName.get(t.name) ? toolHash(byName.get(t.name)!) : '')));
    if (listChanged) deps.onToolsChanged(pluginId);
  }

  let watcher: ReturnType<typeof watch> | undefined;
  let debounce: NodeJS.Timeout | undefined;

  return {
    /** The `checkTools` of an outside server's runtime. */
    checkFor(pluginId: string): ToolsCheck {
      return (tools, reason) => judge(pluginId, tools, reason);
    },
    /** The `onToolsUnlisted` of an outside server's runtime: every tool refused until a listing succeeds. */
    unlistedFor(pluginId: string): (tools: ToolDefinition[], why: string) => void {
      return (tools, why) => {
        void apply(pluginId, tools, Object.fromEntries(tools.map((t) => [t.name, why])), 'list_changed').catch((err) =>
          logger.error({ err, plugin: pluginId }, 'recording a failed re-listing failed'),
        );
      };
    },
    /** The `onListChanged` of an outside server's runtime: its resources or prompts changed; tell the MCP clients. */
    changedFor(pluginId: string): () => void {
      return () => deps.onToolsChanged(pluginId);
    },
    /** Registers how to list a plugin's tools again (its runtime's recheckTools), for lock changes. */
    track(pluginId: string, recheck: () => Promise<void>): void {
      rechecks.set(pluginId, recheck);
    },
    /** A plugin stopped or unloaded: its quarantine, notices and re-list are forgotten (a new start judges it again). */
    async forget(pluginId: string): Promise<void> {
      rechecks.delete(pluginId);
      notices.clear(`quarantine:${pluginId}:`);
      if (state.has(pluginId)) {
        state.set(pluginId, new Map());
        await persist();
        state.delete(pluginId);
      }
    },
    /** Lists every tracked server's tools again and judges them against the lock as it is now. */
    async recheckAll(): Promise<void> {
      await Promise.all(
        [...rechecks].map(([id, recheck]) =>
          recheck().catch((err) => logger.warn({ err, plugin: id }, 'recheck after a lock change failed')),
        ),
      );
    },
    /** Watches plugins.lock.json: a re-lock lifts (or extends) quarantines without a restart. */
    watchLock(): void {
      if (watcher) return;
      const name = basename(deps.lockPath);
      try {
        watcher = watch(dirname(deps.lockPath), (_event, file) => {
          if (file !== name) return;
          clearTimeout(debounce);
          debounce = setTimeout(() => void this.recheckAll(), 100);
        });
        watcher.unref();
        watcher.on('error', (err) => logger.warn({ err }, 'watching plugins.lock.json failed'));
      } catch (err) {
        logger.warn({ err }, 'cannot watch plugins.lock.json: a re-lock is seen at the next periodic re-list');
      }
    },
    quarantined(pluginId: string): ReadonlyMap<string, { reason: string; hash: string; since: string }> {
      return state.get(pluginId) ?? new Map();
    },
    async close(): Promise<void> {
      clearTimeout(debounce);
      watcher?.close();
      await writing;
    },
  };
}

export type DriftMonitor = ReturnType<typeof createDriftMonitor>;
