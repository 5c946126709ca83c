import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { type ToolDefinition, workspaceMeta } from '@neonhub/schemas';
import type { CallContextMetaInput } from '@neonhub/sdk/serve';
import { CONTEXT_META_KEY } from '@neonhub/sdk/serve';
import { hostErrors } from '../errors.js';
import { checkContained, readablePaths } from '../plugins/contained.js';
import { bundlePlugin } from './bundle.js';
import { ChildStdioTransport } from './child-transport.js';
import { callMcpTool, listMcpTools, toolNotFound } from './mcp-call.js';
import { isolatedNodeArgs } from './node-flags.js';
import { createStderrSink } from './stderr-log.js';
import { type BackoffOptions, defaultBackoff, type Session, Supervisor } from './supervisor.js';
import type { Invocation, PluginRuntime, RuntimeOptions, RuntimeStats } from './types.js';

export interface IsolatedRuntimeOptions extends RuntimeOptions {
  backoff?: BackoffOptions;
  /** Extra environment for the child (the default is only NODE_ENV). Never put host secrets here. */
  env?: Record<string, string>;
}

/** The child's whole environment: only what it needs, nothing of the host's. */
function childEnv(extra: Record<string, string> | undefined): Record<string, string> {
  return { NODE_ENV: process.env.NODE_ENV === 'development' ? 'development' : 'production', ...extra };
}

/** Everything of the call the child may see, with the values of the secrets the manifest declares. */
async function callMeta(opts: RuntimeOptions, call: Invocation): Promise<CallContextMetaInput> {
  const secrets: Record<string, string | null> = {};
  for (const { name } of opts.manifest.secrets) secrets[name] = (await call.context.secrets.get(name)) ?? null;
  const c = call.context;
  return {
    workspace: c.workspace,
    actor: c.actor,
    config: c.config,
    secrets,
    idempotencyKey: c.idempotencyKey,
    callId: c.callId,
    hosts: [...opts.manifest.network.hosts, ...(call.extraHosts ?? [])],
    outboundAllow: [...(call.outboundAllow ?? [])],
    ...(c.connection
      ? {
          connection: {
            id: c.connection.id,
            label: c.connection.label,
            credentials: { ...c.connection.credentials },
            ...(c.connection.account ? { account: { ...c.connection.account } } : {}),
          },
        }
      : {}),
  };
}

/**
 * A module plugin in a child process under Node's permission model, served over MCP stdio by
 * the SDK and supervised (restart with backoff, degraded after repeated crashes).
 */
export function createIsolatedRuntime(opts: IsolatedRuntimeOptions): PluginRuntime {
  const { manifest } = opts;
  if (manifest.runtime.type !== 'module') throw new Error(`plugin ${manifest.id} is not a module plugin`);
  const entry = manifest.runtime.entry;
  const logger = opts.logger.child({ plugin: manifest.id, runtime: 'isolated' });
  const startTimeoutMs = opts.backoff?.startTimeoutMs ?? defaultBackoff.startTimeoutMs;
  let tools: ToolDefinition[] = [];
  let toolNames = new Set<string>();
  let supervisor: Supervisor | undefined;
  /** What the child may read: the plugin folder's entries (checked, no node_modules) and, separately, its bundle. */
  let readable: string[] = [];

  const connect = async (bundle: string): Promise<Session> => {
    const stderr = createStderrSink(logger, manifest.id);
    const transport = new ChildStdioTransport(
      {
        command: process.execPath,
        args: isolatedNodeArgs(readable, bundle),
        env: childEnv(opts.env),
        cwd: opts.dir,
        ...(opts.resultMaxBytes ? { maxMessageBytes: opts.resultMaxBytes } : {}),
      },
      stderr.line,
    );
    const client = new Client({ name: 'neonhub-host', version: '0.1.0' }, { capabilities: {} });
    try {
      await client.connect(transport, { timeout: startTimeoutMs });
    } catch (err) {
      await transport.close(0);
      throw hostErrors.create('NH_PLUGIN_LOAD_FAILED', `isolated plugin ${manifest.id} did not start: ${(err as Error).message}`, {
        details: { plugin: manifest.id, stderr: stderr.tail() },
        cause: err,
      });
    }
    const served = client.getServerVersion()?.name;
    if (served !== manifest.id) {
      await transport.close(0);
      throw hostErrors.create('NH_PLUGIN_LOAD_FAILED', `plugin code has id ${served}, its manifest says ${manifest.id}`, {
        details: { plugin: manifest.id, codeId: served },
      });
    }
    return {
      client,
      onEnded: (listener) => transport.onExit((exit) => listener({ ...exit, stderr: stderr.tail() })),
      close: () => transport.close(),
      pid: transport.pid,
    };
  };

  const runtime: PluginRuntime = {
    kind: 'isolated',
    get status() {
      return supervisor?.status ?? 'stopped';
    },
    async start() {
      let bundle: string;
      try {
        // Checked again at start (the folder may have changed since discovery): no link may lead outside it.
        readable = await readablePaths(await checkContained(opts.dir));
        bundle = (await bundlePlugin({ pluginId: manifest.id, dir: opts.dir, entry, cacheDir: opts.cacheDir })).file;
      } catch (err) {
        if ((err as { code?: string }).code === 'NH_PLUGIN_PATH_ESCAPES') throw err; // keep its code: the folder is at fault
        throw hostErrors.create('NH_PLUGIN_LOAD_FAILED', `plugin ${manifest.id} could not be bundled: ${(err as Error).message}`, {
          details: { plugin: manifest.id },
          cause: err,
        });
      }
      supervisor = new Supervisor({
        pluginId: manifest.id,
        connect: () => connect(bundle),
        logger,
        backoff: opts.backoff,
        onStatus: opts.onStatus,
      });
      const session = await supervisor.start();
      try {
        tools = await listMcpTools(session.client, { pluginId: manifest.id, trustNeonHubMeta: true, logger });
      } catch (err) {
        await supervisor.stop();
        throw hostErrors.create('NH_PLUGIN_LOAD_FAILED', `plugin ${manifest.id} did not list its tools: ${(err as Error).message}`, {
          details: { plugin: manifest.id },
          cause: err,
        });
      }
      toolNames = new Set(tools.map((t) => t.name));
    },
    async listTools() {
      return tools;
    },
    async invoke(call: Invocation) {
      if (!supervisor) throw hostErrors.create('NH_PLUGIN_UNAVAILABLE', `plugin ${manifest.id} is not started`);
      if (!toolNames.has(call.tool)) throw toolNotFound(manifest.id, call.tool);
      const session = supervisor.acquire();
      const meta = await callMeta(opts, call);
      return callMcpTool(session.client, {
        pluginId: manifest.id,
        tool: call.tool,
        input: call.input,
        timeoutMs: call.timeoutMs,
        meta: { [CONTEXT_META_KEY]: meta, ...workspaceMeta(call.context.workspace) },
      });
    },
    stats(): RuntimeStats {
      return (
        supervisor?.stats() ?? { status: 'stopped', crashes: 0, restarts: 0, consecutiveFailures: 0, restartDelaysMs: [], pid: undefined }
      );
    },
    async stop() {
      await supervisor?.stop();
    },
  };
  return runtime;
}
