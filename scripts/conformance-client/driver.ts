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
import { MCP_OAUTH_CALLBACK_PATH } from '../../host/src/mcp-oauth/index.js';
import { pluginRoots } from '../../host/src/plugin-loading.js';
import { discoverPlugins } from '../../host/src/plugins/discover.js';
import { installationSecrets, installationSecretVariable } from '../../host/src/plugins/installation-secrets.js';
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

/**
 * The Client ID Metadata Document URL NeonHub offers as its client id where an authorization server supports
 * them (the suite's reference client uses the same one; the suite's servers do not fetch it).
 */
export const CIMD_URL = 'https://conformance-test.local/client-metadata.json';

/** How a scenario's server is configured, as an admin would: the manifest's `runtime.oauth`, its secrets, and the workspace's own client. */
export function oauthSetup(request: ScenarioRequest): {
  oauth: Record<string, unknown>;
  secrets: Record<string, string>;
  client: { clientId?: string; clientSecret?: string };
} {
  const ctx = (request.context ?? {}) as {
    client_id?: string;
    client_secret?: string;
    private_key_pem?: string;
    signing_algorithm?: string;
  };
  if (ctx.private_key_pem && ctx.client_id)
    // machine to machine with a signed assertion (RFC 7523): the key is an installation secret of the plugin
    return {
      oauth: {
        grant: 'client_credentials',
        clientId: ctx.client_id,
        privateKeySecret: 'CLIENT_PRIVATE_KEY',
        privateKeyAlg: ctx.signing_algorithm ?? 'ES256',
        tokenEndpointAuthMethod: 'private_key_jwt',
      },
      secrets: { CLIENT_PRIVATE_KEY: ctx.private_key_pem },
      client: {},
    };
  const machine = request.scenario.includes('client-credentials');
  return {
    oauth: machine ? { grant: 'client_credentials' } : { clientMetadataUrl: CIMD_URL },
    secrets: {},
    // a pre-registered client (or machine credentials) given when the workspace connects
    client: ctx.client_id ? { clientId: ctx.client_id, ...(ctx.client_secret ? { clientSecret: ctx.client_secret } : {}) } : {},
  };
}

/** How many times a call refused for its scope (403 insufficient_scope) is retried after connecting again (step-up). */
const STEP_UPS = 2;

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

  /**
   * `neonhub plugin lock <id>` for an outside server: connect once, list its tools, pin them. A server behind OAuth
   * is listed through a workspace that has connected its account (none yet: nothing to list, nothing pinned).
   */
  const lock = async (id: string, log: string[]) => {
    const found = await discoverPlugins(pluginRoots(config), { repoRoot: root });
    const plugin = found.plugins.find((p) => p.id === id);
    if (!plugin) throw found.errors.find((e) => e.dir.endsWith(id))?.error ?? new Error(`plugin ${id} was not discovered`);
    const oauth = host.storage.mcpOAuth;
    const runtime = createRuntime({
      manifest: plugin.manifest,
      dir: plugin.dir,
      cacheDir: join(config.dataDir, 'cache'),
      logger,
      isolation: 'isolated',
      resolveSecret: installationSecrets(plugin.id),
      relistIntervalMs: 0,
      outboundAllow: config.outboundAllow,
      oauth: {
        providerFor: async (workspaceId) => oauth.providerFor(await oauth.workspace(workspaceId), id),
        connectedWorkspaces: () => oauth.connectedWorkspaces(id),
      },
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

  const callbackUrl = `http://${config.host}:${config.port}${MCP_OAUTH_CALLBACK_PATH}`;
  /**
   * `neonhub plugin connect <id> -w conformance`, headless: the authorization URL is followed with fetch (the suite's
   * authorization server approves at once) and its redirect to NeonHub's callback is handed to `finish`.
   */
  const connect = async (id: string, client: { clientId?: string; clientSecret?: string }, log: string[]) => {
    const ws = await host.storage.service.resolveWorkspace(CONFORMANCE_WORKSPACE);
    const started = await host.storage.mcpOAuth.start(ws.id, id, client, { userId: null, redirectUri: callbackUrl });
    if (started.status === 'connected') {
      log.push(`connected ${id} in ${CONFORMANCE_WORKSPACE} (client credentials)`);
      return;
    }
    const authorize = new URL(started.authorizeUrl);
    log.push(`authorizing at ${authorize.origin}${authorize.pathname} (scope ${authorize.searchParams.get('scope') ?? 'none'})`);
    const res = await fetch(authorize, { redirect: 'manual' });
    const location = res.headers.get('location');
    await res.body?.cancel().catch(() => {});
    if (!location) throw new Error(`the authorization server answered ${res.status} without a redirect`);
    const back = new URL(location, authorize);
    if (`${back.origin}${back.pathname}` !== callbackUrl)
      throw new Error(`the authorization server redirected to ${back.origin}${back.pathname}, not NeonHub's callback`);
    const done = await host.storage.mcpOAuth.finish(back.searchParams, { userId: null });
    if (done.error) throw done.error;
    log.push(`connected ${id} in ${CONFORMANCE_WORKSPACE} (authorization code)`);
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
      const isAuth = request.scenario.startsWith('auth/');
      const setup = isAuth ? oauthSetup(request) : undefined;
      const manifest: Record<string, unknown> = {
        id,
        version: '1.0.0',
        kind: 'connector',
        description: `The conformance suite's server for ${request.scenario}`,
        host: '^0.2.0',
        ...(setup && Object.keys(setup.secrets).length ? { secrets: Object.keys(setup.secrets).map((name) => ({ name })) } : {}),
        runtime: { type: 'mcp-http', url: request.serverUrl, ...(setup ? { oauth: setup.oauth } : {}) } as PluginManifest['runtime'],
      };
      for (const [name, value] of Object.entries(setup?.secrets ?? {})) process.env[installationSecretVariable(id, name)] = value;
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
        if (setup) {
          // behind OAuth: the workspace connects its account, then the admin pins the tools it now sees
          await connect(id, setup.client, log);
          await oneAtATime(async () => {
            await lock(id, log);
            const reload = await host.reloadPlugins();
            const failed = reload.failed.find((f) => f.id === id);
            if (failed) throw Object.assign(new Error(failed.message), { code: failed.code });
          });
        }
        for (const tool of host.registry.toolsOf([id])) {
          const input = sampleInput(tool.definition.inputSchema);
          const call = () =>
            host.callTool({
              workspace: CONFORMANCE_WORKSPACE,
              tool: tool.qualifiedName,
              input,
              actor: { type: 'user', id: 'conformance-client', role: 'owner' },
            });
          let result: Awaited<ReturnType<typeof call>> | undefined;
          for (let attempt = 0; !result; attempt++) {
            try {
              result = await call();
            } catch (err) {
              // the server wants more than the grant gives (403 insufficient_scope): a person approves again (step-up)
              if (!setup || (err as { code?: string }).code !== 'NH_MCP_OAUTH_NOT_CONNECTED' || attempt >= STEP_UPS) throw err;
              log.push(`${tool.qualifiedName}: ${(err as Error).message.split(':')[0]}; connecting again (step-up ${attempt + 1})`);
              await connect(id, setup.client, log);
            }
          }
          log.push(
            `called ${tool.qualifiedName} ${JSON.stringify(input)}: ${result.status} ${JSON.stringify('output' in result ? result.output : result)}`,
          );
          if (result.status !== 'ok') throw new Error(`${tool.qualifiedName} did not run: ${result.status}`);
        }
        if (setup && host.registry.toolsOf([id]).length === 0) throw new Error(`${id} serves no tool NeonHub could pin and call`);
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
        for (const name of Object.keys(setup?.secrets ?? {})) delete process.env[installationSecretVariable(id, name)];
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
