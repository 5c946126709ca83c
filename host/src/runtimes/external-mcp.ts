import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
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
  const relist = (reason: ToolsCheckReason) =>
    gate.refresh(reason, async () => listMcpTools(await list(), { pluginId, trustNeonHubMeta: false, logger }));
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
  const gate = createToolGate({
    pluginId: manifest.id,
    ...(opts.checkTools ? { check: opts.checkTools } : {}),
    ...(opts.onToolsUnlisted ? { onFailClosed: opts.onToolsUnlisted } : {}),
    logger,
  });
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
    if (started) void gate.refresh('restart', () => listMcpTools(client, { pluginId: manifest.id, trustNeonHubMeta: false, logger }));
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
        await gate.initial(() => listMcpTools(session.client, { pluginId: manifest.id, trustNeonHubMeta: false, logger }));
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
    recheckTools: () =>
      gate.refresh('recheck', async () => listMcpTools(await current(), { pluginId: manifest.id, trustNeonHubMeta: false, logger })),
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
  let status: RuntimeStatus = 'stopped';
  let capabilities: ServerCapabilities | undefined;
  const gate = createToolGate({
    pluginId: manifest.id,
    ...(opts.checkTools ? { check: opts.checkTools } : {}),
    ...(opts.onToolsUnlisted ? { onFailClosed: opts.onToolsUnlisted } : {}),
    logger,
  });
  const list = async () => listMcpTools(await ensure(), { pluginId: manifest.id, trustNeonHubMeta: false, logger });

  const setStatus = (s: RuntimeStatus) => {
    if (s !== status) opts.onStatus?.(s, { crashes: 0 });
    status = s;
  };

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
    const c = new Client(clientInfo, { capabilities: {} });
    const transport = new StreamableHTTPClientTransport(new URL(spec.url), {
      requestInit: { headers },
      // Through the outbound guard (no loopback, private or metadata address unless NEONHUB_OUTBOUND_ALLOW names it).
      fetch: cappedFetch(opts.resultMaxBytes ?? DEFAULT_RESULT_MAX_BYTES, outboundGuards.for(opts.outboundAllow).fetch),
    });
    try {
      await c.connect(transport, { timeout: opts.backoff?.startTimeoutMs ?? defaultBackoff.startTimeoutMs });
    } catch (err) {
      await c.close().catch(() => {});
      throw hostErrors.create(
        'NH_PLUGIN_UNAVAILABLE',
        `MCP server of ${manifest.id} at ${spec.url} is unreachable: ${(err as Error).message}`,
        {
          details: { plugin: manifest.id, url: spec.url },
          cause: err,
        },
      );
    }
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
    setStatus('ready');
    return client;
  };
  const watch = watchTools(opts, gate, ensure, logger);

  return {
    kind: 'mcp-http',
    get status() {
      return status;
    },
    async start() {
      setStatus('starting');
      try {
        await gate.initial(list);
      } catch (err) {
        setStatus('stopped');
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
          setStatus('restarting');
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
      setStatus('stopped');
      await c?.close();
    },
  };
}
