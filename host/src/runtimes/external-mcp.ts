import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { FetchLike } from '@modelcontextprotocol/sdk/shared/transport.js';
import {
  PromptListChangedNotificationSchema,
  ResourceListChangedNotificationSchema,
  type ServerCapabilities,
  ToolListChangedNotificationSchema,
} from '@modelcontextprotocol/sdk/types.js';
import { workspaceMeta } from '@neonhub/schemas';
import { createOutboundGuards } from '@neonhub/sdk/outbound';
import type { Logger } from 'pino';
import { hostErrors } from '../errors.js';
import { fetchWithOwnSignal } from '../mcp/request-signal.js';
import { ChildStdioTransport } from './child-transport.js';
import { callMcpTool, listMcpTools } from './mcp-call.js';
import { createMcpPassthrough } from './mcp-passthrough.js';
import { cappedFetch, DEFAULT_RESULT_MAX_BYTES } from './result-limit.js';
import { createStderrSink } from './stderr-log.js';
import { type BackoffOptions, defaultBackoff, type Session, Supervisor } from './supervisor.js';
import { createToolGate, type ToolGate, type ToolsCheckReason } from './tool-gate.js';
import type { Invocation, PluginRuntime, RuntimeOptions, RuntimeStatus } from './types.js';

export const clientInfo = { name: 'neonhub-host', version: '0.1.0' };
/** The outbound guards of `mcp-http` servers, one per allow-list. */
export const outboundGuards = createOutboundGuards();

/** The tool gate of an outside server, judged by the host's lock check, reporting a fail-closed quarantine. */
export function outsideToolGate(opts: RuntimeOptions, logger: Logger): ToolGate {
  return createToolGate({
    pluginId: opts.manifest.id,
    ...(opts.checkTools ? { check: opts.checkTools } : {}),
    ...(opts.onToolsUnlisted ? { onFailClosed: opts.onToolsUnlisted } : {}),
    logger,
  });
}

/** Lists an outside server's tools through `client` (its `_meta` is not trusted as NeonHub's own). */
export function outsideLister(pluginId: string, logger: Logger): (client: Client) => ReturnType<typeof listMcpTools> {
  return (client) => listMcpTools(client, { pluginId, trustNeonHubMeta: false, logger });
}

/** A runtime's status without a process to supervise: the host hears of each change. */
export function statusReporter(opts: RuntimeOptions): { get(): RuntimeStatus; set(s: RuntimeStatus): void } {
  let status: RuntimeStatus = 'stopped';
  return {
    get: () => status,
    set(s) {
      if (s !== status) opts.onStatus?.(s, { crashes: 0 });
      status = s;
    },
  };
}

/** The fetch of every `mcp-http` request: through the outbound guard, its answers capped at the result limit. */
export function outsideFetch(opts: RuntimeOptions): FetchLike {
  return cappedFetch(opts.resultMaxBytes ?? DEFAULT_RESULT_MAX_BYTES, outboundGuards.for(opts.outboundAllow).fetch);
}

/**
 * Connects `client` to an outside server over Streamable HTTP within the start timeout. On failure the client is
 * closed and `refused` may name the failure (an OAuth refusal); otherwise it is NH_PLUGIN_UNAVAILABLE.
 */
export async function connectOutsideHttp(
  opts: RuntimeOptions & { backoff?: BackoffOptions },
  client: Client,
  transport: StreamableHTTPClientTransport,
  refused?: (err: unknown) => Error | undefined,
): Promise<Client> {
  const { manifest } = opts;
  const url = manifest.runtime.type === 'mcp-http' ? manifest.runtime.url : '';
  try {
    await client.connect(transport, { timeout: opts.backoff?.startTimeoutMs ?? defaultBackoff.startTimeoutMs });
    return client;
  } catch (err) {
    await client.close().catch(() => {});
    const named = refused?.(err);
    if (named) throw named;
    throw hostErrors.create('NH_PLUGIN_UNAVAILABLE', `MCP server of ${manifest.id} at ${url} is unreachable: ${(err as Error).message}`, {
      details: { plugin: manifest.id, url },
      cause: err,
    });
  }
}

/** Default period of the re-list that catches a server changing its tools without saying so. */
export const DEFAULT_RELIST_INTERVAL_MS = 5 * 60_000;

/**
 * Watches an outside server's tools: on `notifications/tools/list_changed` of `client` and every
 * `relistIntervalMs`, lists them again through `gate` (calls wait meanwhile). Returns a stop function.
 */
export function watchTools(
  opts: RuntimeOptions,
  gate: ToolGate,
  list: () => Promise<Client>,
  logger: Logger,
): { onClient(client: Client): void; stop(): void } {
  const pluginId = opts.manifest.id;
  const lister = outsideLister(pluginId, logger);
  const relist = (reason: ToolsCheckReason) => gate.refresh(reason, async () => lister(await list()));
  const every = opts.relistIntervalMs ?? DEFAULT_RELIST_INTERVAL_MS;
  const timer = every > 0 ? setInterval(() => void relist('interval'), every) : undefined;
  timer?.unref();
  return {
    onClient(client) {
      client.setNotificationHandler(ToolListChangedNotificationSchema, () => {
        logger.info({ plugin: pluginId }, 'the server says its tools changed: listing them again');
        void relist('list_changed');
      });
      // resources and prompts pass through unpinned: only tell the workspaces' MCP clients to list them again
      const passOn = () => opts.onListChanged?.();
      client.setNotificationHandler(ResourceListChangedNotificationSchema, passOn);
      client.setNotificationHandler(PromptListChangedNotificationSchema, passOn);
    },
    stop: () => clearInterval(timer),
  };
}

/**
 * `NEONHUB_PLUGIN_DATA_DIR`, when the manifest lists it: the plugin's own folder inside the host's
 * data directory (so a server's state lives with the host's, not in the repository).
 */
export function pluginDataEnv(names: readonly string[], dataDir: string | undefined): Record<string, string> {
  return dataDir && names.includes('NEONHUB_PLUGIN_DATA_DIR') ? { NEONHUB_PLUGIN_DATA_DIR: dataDir } : {};
}

/** Only the variables the manifest lists (and PATH, to find the command), taken from the host's environment. */
export function allowlistedEnv(names: readonly string[], source: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const env: Record<string, string> = {};
  for (const name of ['PATH', ...names]) {
    const value = source[name];
    if (value !== undefined) env[name] = value;
  }
  return env;
}

/**
 * An outside MCP server started as `command args` (cwd = the plugin folder, env = the manifest's
 * allowlist + PATH), supervised like an isolated plugin. No permission flags: it may be any program.
 */
export function createMcpStdioRuntime(opts: RuntimeOptions & { backoff?: BackoffOptions }): PluginRuntime {
  const { manifest } = opts;
  const spec = manifest.runtime;
  if (spec.type !== 'mcp-stdio') throw new Error(`plugin ${manifest.id} is not an mcp-stdio plugin`);
  const logger = opts.logger.child({ plugin: manifest.id, runtime: 'mcp-stdio' });
  const startTimeoutMs = opts.backoff?.startTimeoutMs ?? defaultBackoff.startTimeoutMs;
  let supervisor: Supervisor | undefined;
  let capabilities: ServerCapabilities | undefined;
  let started = false;
  const gate = outsideToolGate(opts, logger);
  const lister = outsideLister(manifest.id, logger);
  const current = async () => {
    if (!supervisor) throw hostErrors.create('NH_PLUGIN_UNAVAILABLE', `plugin ${manifest.id} is not started`);
    return supervisor.acquire().client;
  };
  const watch = watchTools(opts, gate, current, logger);

  const connect = async (): Promise<Session> => {
    const stderr = createStderrSink(logger, manifest.id);
    const transport = new ChildStdioTransport(
      {
        command: spec.command,
        args: spec.args,
        env: { ...allowlistedEnv(spec.env), ...pluginDataEnv(spec.env, opts.dataDir) },
        cwd: opts.dir,
        ...(opts.resultMaxBytes ? { maxMessageBytes: opts.resultMaxBytes } : {}),
      },
      stderr.line,
    );
    const client = new Client(clientInfo, { capabilities: {} });
    try {
      await client.connect(transport, { timeout: startTimeoutMs });
    } catch (err) {
      await transport.close(0);
      throw hostErrors.create(
        'NH_PLUGIN_LOAD_FAILED',
        `MCP server of ${manifest.id} (${spec.command}) did not start: ${(err as Error).message}`,
        {
          details: { plugin: manifest.id, stderr: stderr.tail() },
          cause: err,
        },
      );
    }
    capabilities = client.getServerCapabilities();
    watch.onClient(client);
    // A restarted server may serve other tools than the one that was judged: hold calls until its listing is.
    if (started) void gate.refresh('restart', () => lister(client));
    return { client, onEnded: (listener) => transport.onExit(listener), close: () => transport.close(), pid: transport.pid };
  };

  return {
    kind: 'mcp-stdio',
    get status() {
      return supervisor?.status ?? 'stopped';
    },
    async start() {
      supervisor = new Supervisor({ pluginId: manifest.id, connect, logger, backoff: opts.backoff, onStatus: opts.onStatus });
      const session = await supervisor.start();
      try {
        await gate.initial(() => lister(session.client));
      } catch (err) {
        await supervisor.stop();
        throw hostErrors.create('NH_PLUGIN_LOAD_FAILED', `plugin ${manifest.id} did not list its tools: ${(err as Error).message}`, {
          details: { plugin: manifest.id },
          cause: err,
        });
      }
      started = true;
    },
    async listTools() {
      return gate.tools();
    },
    async invoke(call: Invocation) {
      if (!supervisor) throw hostErrors.create('NH_PLUGIN_UNAVAILABLE', `plugin ${manifest.id} is not started`);
      await gate.admit(call.tool);
      const { client } = supervisor.acquire();
      return callMcpTool(client, {
        pluginId: manifest.id,
        tool: call.tool,
        input: call.input,
        timeoutMs: call.timeoutMs,
        meta: workspaceMeta(call.context.workspace),
      });
    },
    recheckTools: () => gate.refresh('recheck', async () => lister(await current())),
    quarantinedTools: () => gate.quarantined(),
    passthrough: createMcpPassthrough(manifest.id, current, () => capabilities),
    stats: () =>
      supervisor?.stats() ?? { status: 'stopped', crashes: 0, restarts: 0, consecutiveFailures: 0, restartDelaysMs: [], pid: undefined },
    async stop() {
      watch.stop();
      await supervisor?.stop();
    },
  };
}

/**
 * An outside MCP server reached over Streamable HTTP, with an optional bearer token from an
 * installation secret. A call that fails because the server is unreachable rejects with
 * NH_PLUGIN_UNAVAILABLE and the next call reconnects (no process to supervise).
 */
export function createMcpHttpRuntime(opts: RuntimeOptions & { backoff?: BackoffOptions }): PluginRuntime {
  const { manifest } = opts;
  const spec = manifest.runtime;
  if (spec.type !== 'mcp-http') throw new Error(`plugin ${manifest.id} is not an mcp-http plugin`);
  const logger = opts.logger.child({ plugin: manifest.id, runtime: 'mcp-http' });
  let client: Client | undefined;
  let connecting: Promise<Client> | undefined;
  const status = statusReporter(opts);
  let capabilities: ServerCapabilities | undefined;
  const gate = outsideToolGate(opts, logger);
  const lister = outsideLister(manifest.id, logger);
  const list = async () => lister(await ensure());

  const connect = async (): Promise<Client> => {
    const headers: Record<string, string> = {};
    if (spec.bearerSecret) {
      const token = await opts.resolveSecret?.(spec.bearerSecret);
      if (!token)
        throw hostErrors.create('NH_PLUGIN_LOAD_FAILED', `plugin ${manifest.id} needs secret ${spec.bearerSecret} as its bearer token`, {
          details: { plugin: manifest.id, secret: spec.bearerSecret },
        });
      headers.authorization = `Bearer ${token}`;
    }
    const transport = new StreamableHTTPClientTransport(new URL(spec.url), {
      requestInit: { headers },
      fetch: fetchWithOwnSignal(outsideFetch(opts)),
    });
    const c = await connectOutsideHttp(opts, new Client(clientInfo, { capabilities: {} }), transport);
    capabilities = c.getServerCapabilities();
    watch.onClient(c);
    return c;
  };

  const ensure = async (): Promise<Client> => {
    if (client) return client;
    connecting ??= connect().finally(() => {
      connecting = undefined;
    });
    client = await connecting;
    status.set('ready');
    return client;
  };
  const watch = watchTools(opts, gate, ensure, logger);

  return {
    kind: 'mcp-http',
    get status() {
      return status.get();
    },
    async start() {
      status.set('starting');
      try {
        await gate.initial(list);
      } catch (err) {
        status.set('stopped');
        throw err;
      }
    },
    async listTools() {
      return gate.tools();
    },
    async invoke(call: Invocation) {
      await gate.admit(call.tool);
      const c = await ensure();
      try {
        return await callMcpTool(c, {
          pluginId: manifest.id,
          tool: call.tool,
          input: call.input,
          timeoutMs: call.timeoutMs,
          meta: workspaceMeta(call.context.workspace),
        });
      } catch (err) {
        // A transport failure (server gone, session lost): drop the client so the next call reconnects.
        if ((err as { code?: string }).code === 'NH_PLUGIN_UNAVAILABLE' || (err as { cause?: unknown }).cause instanceof TypeError) {
          if (client === c) client = undefined;
          status.set('restarting');
          void c.close().catch(() => {});
        }
        throw err;
      }
    },
    recheckTools: () => gate.refresh('recheck', list),
    quarantinedTools: () => gate.quarantined(),
    passthrough: createMcpPassthrough(manifest.id, ensure, () => capabilities),
    async stop() {
      watch.stop();
      const c = client;
      client = undefined;
      status.set('stopped');
      await c?.close();
    },
  };
}
