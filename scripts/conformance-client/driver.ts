/**
 * NeonHub as an MCP client under the official conformance suite (@modelcontextprotocol/conformance `client`).
 *
 * One NeonHub host (PGlite, embedded defaults, a temporary root) serves a whole suite run. For each scenario the
 * suite starts a test server and launches the adapter command (scripts/conformance-client/adapter.mjs) with the
 * server's URL; the adapter hands the scenario to this driver, which does what an admin would:
 *   1. writes an `mcp-http` plugin pointing at the URL into the root's plugins/ folder,
 *   2. connects once to list its tools and pins them in the root's plugins.lock.json (`neonhub plugin lock`),
 *   3. has the host load it (`reloadPlugins`, what a running host does after `plugin lock`),
 *   4. enables it in the `conformance` workspace and calls each of its tools through the host's own pipeline
 *      (`host.callTool`: validation, hooks, timeouts, the call log),
 *   5. unpins and removes it again.
 * Steps 2, 3 and 5 change the one lock file and the registry, so they run one scenario at a time; the calls do not.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PluginManifest, ToolDefinition } from '@neonhub/schemas';
import { loadConfig } from '../../host/src/config.js';
import { createHost, type Host } from '../../host/src/host.js';
import { createLogger } from '../../host/src/logger.js';
import { pluginRoots } from '../../host/src/plugin-loading.js';
import { discoverPlugins } from '../../host/src/plugins/discover.js';
import { installationSecrets } from '../../host/src/plugins/installation-secrets.js';
import { lockPlugins, readLockfile, writeLockfile } from '../../host/src/plugins/lock.js';
import { createRuntime } from '../../host/src/runtimes/index.js';

export const CONFORMANCE_WORKSPACE = 'conformance';

export interface ScenarioRequest {
  /** MCP_CONFORMANCE_SCENARIO */
  scenario: string;
  /** The test server's URL (the last argument the suite gives the adapter). */
  serverUrl: string;
  /** MCP_CONFORMANCE_CONTEXT, parsed (client credentials and the like), when the scenario has one. */
  context?: Record<string, unknown>;
}

export interface ScenarioOutcome {
  ok: boolean;
  /** What NeonHub did, one line per step (the adapter prints it; the suite keeps it in stdout.txt). */
  log: string[];
  error?: { code?: string; message: string };
  /** Milliseconds spent in this scenario (plugin written to plugin removed). */
  durationMs: number;
}

export interface ConformanceClient {
  host: Host;
  root: string;
  run(request: ScenarioRequest): Promise<ScenarioOutcome>;
  close(): Promise<void>;
}

/** A value that satisfies a JSON Schema's type, for the required properties of a tool input. */
function sampleValue(schema: unknown): unknown {
  const s = (schema ?? {}) as {
    type?: unknown;
    default?: unknown;
    enum?: unknown[];
    properties?: Record<string, unknown>;
    required?: string[];
  };
  if (s.default !== undefined) return s.default;
  if (Array.isArray(s.enum) && s.enum.length) return s.enum[0];
  const type = Array.isArray(s.type) ? s.type[0] : s.type;
  switch (type) {
    case 'number':
    case 'integer':
      return 2;
    case 'string':
      return 'neonhub';
    case 'boolean':
      return true;
    case 'array':
      return [];
    case 'null':
      return null;
    default:
      return sampleInput(s);
  }
}

/** An input for a tool: every required property with a value of its type. */
export function sampleInput(schema: unknown): Record<string, unknown> {
  const s = (schema ?? {}) as { properties?: Record<string, unknown>; required?: string[] };
  const input: Record<string, unknown> = {};
  for (const name of s.required ?? []) input[name] = sampleValue(s.properties?.[name]);
  return input;
}

/** Runs `fn` after every earlier call has settled (the lock file and the registry change one scenario at a time). */
function serial() {
  let tail: Promise<unknown> = Promise.resolve();
  return <T>(fn: () => Promise<T>): Promise<T> => {
    const next = tail.then(fn, fn);
    tail = next.catch(() => {});
    return next;
  };
}

const pluginIdFor = (scenario: string, n: number) =>
  `conf-${scenario
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
    .slice(0, 48)}-${n}`;

export interface ConformanceClientOptions {
  /** Log level of the host (default `warn`, to stderr). */
  logLevel?: string;
  logger?: ReturnType<typeof createLogger>;
}

/** Boots the NeonHub host that plays the client for a whole suite run. */
export async function createConformanceClient(opts: ConformanceClientOptions = {}): Promise<ConformanceClient> {
  const root = await mkdtemp(join(tmpdir(), 'neonhub-conformance-client-'));
  await mkdir(join(root, 'plugins'), { recursive: true });
  const config = loadConfig(
    {
      NEONHUB_DATA_DIR: '.neonhub',
      LOG_LEVEL: (opts.logLevel ?? 'warn') as 'warn',
      // the suite's servers listen on localhost: let the outbound guard pass loopback (an operator's choice)
      NEONHUB_OUTBOUND_ALLOW: '127.0.0.1,::1,localhost',
      // no periodic re-list: a scenario's server is gone once its client exits
      NEONHUB_PLUGIN_RELIST_MS: '0',
      NEONHUB_PLUGIN_START_TIMEOUT_MS: '20000',
    },
    root,
  );
  const logger = opts.logger ?? createLogger(opts.logLevel ?? 'warn');
  const host = await createHost({ config, logger, seed: false, outbox: { worker: false } });
  try {
    await host.storage.service.createWorkspace({ slug: CONFORMANCE_WORKSPACE, name: 'MCP conformance (NeonHub as the client)' });
  } catch (err) {
    await host.close();
    throw err;
  }
  const lockPath = join(root, 'plugins.lock.json');
  const oneAtATime = serial();
  let counter = 0;

  /** `neonhub plugin lock <id>` for an outside server: connect once, list its tools, pin them. */
  const lock = async (id: string, log: string[]) => {
    const found = await discoverPlugins(pluginRoots(config), { repoRoot: root });
    const plugin = found.plugins.find((p) => p.id === id);
    if (!plugin) throw found.errors.find((e) => e.dir.endsWith(id))?.error ?? new Error(`plugin ${id} was not discovered`);
    const runtime = createRuntime({
      manifest: plugin.manifest,
      dir: plugin.dir,
      cacheDir: join(config.dataDir, 'cache'),
      logger,
      isolation: 'isolated',
      resolveSecret: installationSecrets(plugin.id),
      relistIntervalMs: 0,
      outboundAllow: config.outboundAllow,
    });
    let tools: ToolDefinition[];
    try {
      await runtime.start();
      tools = await runtime.listTools();
    } finally {
      await runtime.stop();
    }
    await lockPlugins({ lockPath, plugins: found.plugins, only: [id], extraTools: { [id]: tools } });
    log.push(`locked ${id}: ${tools.length} tool(s) pinned${tools.length ? ` (${tools.map((t) => t.name).join(', ')})` : ''}`);
  };

  const unlock = async (id: string) => {
    const lockfile = await readLockfile(lockPath);
    delete lockfile.plugins[id];
    await writeLockfile(lockPath, lockfile);
  };

  return {
    host,
    root,
    async run(request) {
      const started = performance.now();
      const log: string[] = [];
      const id = pluginIdFor(request.scenario, ++counter);
      const dir = join(root, 'plugins', id);
      const manifest: Partial<PluginManifest> & Record<string, unknown> = {
        id,
        version: '1.0.0',
        kind: 'connector',
        description: `The conformance suite's server for ${request.scenario}`,
        host: '^0.1.0',
        runtime: { type: 'mcp-http', url: request.serverUrl } as PluginManifest['runtime'],
      };
      try {
        await mkdir(dir, { recursive: true });
        await writeFile(join(dir, 'plugin.json'), `${JSON.stringify(manifest, null, 2)}\n`);
        log.push(`wrote plugin ${id} (mcp-http ${request.serverUrl})`);
        await oneAtATime(async () => {
          await lock(id, log);
          const reload = await host.reloadPlugins();
          const failed = reload.failed.find((f) => f.id === id);
          if (failed) throw Object.assign(new Error(failed.message), { code: failed.code });
          if (!reload.added.includes(id)) throw new Error(`the host did not load ${id}`);
          log.push(`the host loaded ${id}`);
        });
        await host.storage.service.enablePlugin(CONFORMANCE_WORKSPACE, id);
        log.push(`enabled ${id} in workspace ${CONFORMANCE_WORKSPACE}`);
        for (const tool of host.registry.toolsOf([id])) {
          const input = sampleInput(tool.definition.inputSchema);
          const result = await host.callTool({
            workspace: CONFORMANCE_WORKSPACE,
            tool: tool.qualifiedName,
            input,
            actor: { type: 'user', id: 'conformance-client', role: 'owner' },
          });
          log.push(
            `called ${tool.qualifiedName} ${JSON.stringify(input)}: ${result.status} ${JSON.stringify('output' in result ? result.output : result)}`,
          );
          if (result.status !== 'ok') throw new Error(`${tool.qualifiedName} did not run: ${result.status}`);
        }
        return { ok: true, log, durationMs: Math.round(performance.now() - started) };
      } catch (err) {
        const e = err as { code?: string; message?: string };
        log.push(`failed: ${e.code ? `${e.code}: ` : ''}${e.message ?? String(err)}`);
        return {
          ok: false,
          log,
          error: { ...(e.code ? { code: e.code } : {}), message: e.message ?? String(err) },
          durationMs: Math.round(performance.now() - started),
        };
      } finally {
        await host.storage.service.disablePlugin(CONFORMANCE_WORKSPACE, id).catch(() => {});
        await oneAtATime(async () => {
          await unlock(id);
          await rm(dir, { recursive: true, force: true });
          await host.reloadPlugins();
        }).catch((err) => logger.warn({ err, plugin: id }, 'could not remove the scenario plugin'));
      }
    },
    async close() {
      await host.close();
      await rm(root, { recursive: true, force: true });
    },
  };
}
