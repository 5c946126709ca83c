import { randomUUID } from 'node:crypto';
import { type WorkspaceMeta, workspaceFromMeta } from '@neonhub/schemas';
import { sdkErrors, undeclaredSecret } from '../errors.js';
import { createGuardedFetch } from '../guarded-fetch.js';
import { createOutboundGuards } from '../outbound/guards.js';
import type { Logger, PluginStore, ToolContext } from '../types.js';
import { type CallContextMeta, CallContextMetaSchema, CONTEXT_META_KEY } from './meta.js';

type Write = (line: string) => void;

/** ctx.fetch's outbound guards in this process, one per allow-list the host sent. */
const outboundGuards = createOutboundGuards();

/** A logger writing one JSON object per line (pino-like levels) to `write` (stderr by default). */
export function createJsonLogger(bindings: Record<string, unknown>, write: Write = (l) => process.stderr.write(l)): Logger {
  const log =
    (level: 'debug' | 'info' | 'warn' | 'error') =>
    (obj: object | string, msg?: string): void => {
      const fields = typeof obj === 'string' ? { msg: obj } : { ...obj, ...(msg === undefined ? {} : { msg }) };
      write(`${JSON.stringify({ level, time: Date.now(), ...bindings, ...fields })}\n`);
    };
  return { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') };
}

/**
 * Context used when a call carries no NeonHub context: a plain MCP client (workspace
 * `standalone`), or a host mounting the plugin as an outside server (`mcp-stdio`/`mcp-http`),
 * which sends only the workspace under `_meta["io.neonhub/workspace"]`.
 */
export function standaloneMeta(hosts: readonly string[], workspace?: WorkspaceMeta): CallContextMeta {
  const callId = randomUUID();
  return {
    workspace: workspace ?? { id: 'standalone', slug: 'standalone' },
    actor: { type: 'system', id: 'mcp-client' },
    config: {},
    secrets: {},
    idempotencyKey: callId,
    callId,
    hosts: [...hosts],
    outboundAllow: [],
  };
}

/**
 * Parses the context of a `tools/call` from its whole `_meta`: `neonhub/context` (the host's
 * isolated runtime) or, without it, the workspace of `io.neonhub/workspace`. Throws when the
 * context is malformed or names another workspace than `io.neonhub/workspace`.
 */
export function parseCallMeta(requestMeta: Record<string, unknown> | undefined, fallbackHosts: readonly string[]): CallContextMeta {
  const workspace = workspaceFromMeta(requestMeta);
  const raw = requestMeta?.[CONTEXT_META_KEY];
  if (raw === undefined) return standaloneMeta(fallbackHosts, workspace);
  const parsed = CallContextMetaSchema.parse(raw);
  if (workspace && workspace.id !== parsed.workspace.id)
    throw new Error(`${CONTEXT_META_KEY} names workspace ${parsed.workspace.id}, io.neonhub/workspace names ${workspace.id}`);
  return parsed;
}

/** Builds the ToolContext a tool sees inside an isolated process from the call's `_meta`. */
export function buildToolContext(
  meta: CallContextMeta,
  opts: { pluginId: string; tool: string; signal: AbortSignal; write?: Write },
): ToolContext {
  const secrets = meta.secrets;
  return {
    workspace: meta.workspace,
    actor: meta.actor,
    config: meta.config,
    secrets: {
      get: async (name) => {
        if (!Object.hasOwn(secrets, name)) throw undeclaredSecret(opts.pluginId, name);
        return secrets[name] ?? undefined;
      },
    },
    logger: createJsonLogger({ plugin: opts.pluginId, tool: opts.tool, callId: meta.callId }, opts.write),
    fetch: createGuardedFetch(meta.hosts, outboundGuards.for(meta.outboundAllow).fetch),
    idempotencyKey: meta.idempotencyKey,
    callId: meta.callId,
    signal: opts.signal,
    callTool: async (tool) => {
      throw sdkErrors.create('NH_SDK_CALL_UNSUPPORTED', `ctx.callTool(${tool}) is not available to a plugin running isolated`, {
        details: { tool },
      });
    },
    store: unsupportedStore(opts.pluginId),
    ...(meta.connection ? { connection: connectionOf(meta.connection) } : {}),
    llm: {
      generate: async () => {
        throw sdkErrors.create(
          'NH_SDK_CALL_UNSUPPORTED',
          `ctx.llm is not available to plugin ${opts.pluginId} running isolated; run it in-process`,
        );
      },
    },
  };
}

function connectionOf(c: NonNullable<CallContextMeta['connection']>): NonNullable<ToolContext['connection']> {
  const account = c.account && { ...(c.account.id ? { id: c.account.id } : {}), ...(c.account.name ? { name: c.account.name } : {}) };
  return { id: c.id, label: c.label, credentials: Object.freeze({ ...c.credentials }), ...(account ? { account } : {}) };
}

/** Isolated plugins have no host storage: every store operation fails with a clear code. */
function unsupportedStore(pluginId: string): PluginStore {
  const fail = async (): Promise<never> => {
    throw sdkErrors.create(
      'NH_SDK_CALL_UNSUPPORTED',
      `ctx.store is not available to plugin ${pluginId} running isolated; run it in-process or keep state in its own service`,
    );
  };
  return {
    get: fail,
    put: fail,
    putIf: fail,
    delete: fail,
    deleteBefore: fail,
    list: fail,
    append: fail,
    count: fail,
    insertAll: fail,
  };
}
