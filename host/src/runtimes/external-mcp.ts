import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { ToolDefinition } from '@neonhub/schemas';
import { hostErrors } from '../errors.js';
import { ChildStdioTransport } from './child-transport.js';
import { callMcpTool, listMcpTools, toolNotFound } from './mcp-call.js';
import { cappedFetch, DEFAULT_RESULT_MAX_BYTES } from './result-limit.js';
import { createStderrSink } from './stderr-log.js';
import { type BackoffOptions, defaultBackoff, type Session, Supervisor } from './supervisor.js';
import type { Invocation, PluginRuntime, RuntimeOptions, RuntimeStatus } from './types.js';

const clientInfo = { name: 'neonhub-host', version: '0.1.0' };

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
  let tools: ToolDefinition[] = [];

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
        tools = await listMcpTools(session.client, { pluginId: manifest.id, trustNeonHubMeta: false, logger });
      } catch (err) {
        await supervisor.stop();
        throw hostErrors.create('NH_PLUGIN_LOAD_FAILED', `plugin ${manifest.id} did not list its tools: ${(err as Error).message}`, {
          details: { plugin: manifest.id },
          cause: err,
        });
      }
    },
    async listTools() {
      return tools;
    },
    async invoke(call: Invocation) {
      if (!supervisor) throw hostErrors.create('NH_PLUGIN_UNAVAILABLE', `plugin ${manifest.id} is not started`);
      if (!tools.some((t) => t.name === call.tool)) throw toolNotFound(manifest.id, call.tool);
      const { client } = supervisor.acquire();
      return callMcpTool(client, { pluginId: manifest.id, tool: call.tool, input: call.input, timeoutMs: call.timeoutMs });
    },
    stats: () =>
      supervisor?.stats() ?? { status: 'stopped', crashes: 0, restarts: 0, consecutiveFailures: 0, restartDelaysMs: [], pid: undefined },
    async stop() {
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
  let tools: ToolDefinition[] = [];

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
      fetch: cappedFetch(opts.resultMaxBytes ?? DEFAULT_RESULT_MAX_BYTES),
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

  return {
    kind: 'mcp-http',
    get status() {
      return status;
    },
    async start() {
      setStatus('starting');
      try {
        const c = await ensure();
        tools = await listMcpTools(c, { pluginId: manifest.id, trustNeonHubMeta: false, logger });
      } catch (err) {
        setStatus('stopped');
        throw err;
      }
    },
    async listTools() {
      return tools;
    },
    async invoke(call: Invocation) {
      if (!tools.some((t) => t.name === call.tool)) throw toolNotFound(manifest.id, call.tool);
      const c = await ensure();
      try {
        return await callMcpTool(c, { pluginId: manifest.id, tool: call.tool, input: call.input, timeoutMs: call.timeoutMs });
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
    async stop() {
      const c = client;
      client = undefined;
      setStatus('stopped');
      await c?.close();
    },
  };
}
