import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { SchemaIssue, ValidationResult } from '@neonhub/json-schema';
import { createLlm } from '@neonhub/llm';
import { describeIssues, type ToolDefinition } from '@neonhub/schemas';
import type { PluginDefinition, ToolContext, ToolSpec } from '@neonhub/sdk';
import { createMemoryStore } from '@neonhub/sdk';
import { createGuardedFetch, toolDefinitionOf } from '@neonhub/sdk/host';
import { createOutboundGuards } from '@neonhub/sdk/outbound';
import { hostErrors } from '../errors.js';

const offlineLlm = createLlm({ provider: 'offline' });
/** The outbound guards of ctx.fetch, one per workspace allow-list, shared by every in-process plugin. */
const outboundGuards = createOutboundGuards();

import { toolFailed, toolNotFound, toolTimeout } from './mcp-call.js';
import { checkSerializedSize, DEFAULT_RESULT_MAX_BYTES } from './result-limit.js';
import type { Invocation, PluginRuntime, RuntimeOptions } from './types.js';

/** A zod issue as the pipeline reports schema issues: a JSON Pointer and a message. */
const issueOf = (i: { path: readonly PropertyKey[]; message: string }): SchemaIssue => ({
  path: `/${i.path.map((k) => String(k).replace(/~/g, '~0').replace(/\//g, '~1')).join('/')}`,
  message: i.message,
});

function isPluginDefinition(value: unknown): value is PluginDefinition {
  const v = value as PluginDefinition | undefined;
  return typeof v === 'object' && v !== null && typeof v.id === 'string' && Array.isArray(v.tools);
}

/**
 * Runs `tool.run` with an AbortSignal and a timeout: rejects with NH_TOOL_TIMEOUT at the deadline
 * (aborting the signal) even if the tool never settles, and wraps a throw as NH_TOOL_FAILED.
 */
export async function runWithTimeout(
  pluginId: string,
  tool: ToolSpec,
  input: unknown,
  ctx: Omit<ToolContext, 'signal'>,
  timeoutMs: number,
): Promise<unknown> {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const err = toolTimeout(pluginId, tool.name, timeoutMs);
      controller.abort(err);
      reject(err);
    }, timeoutMs);
  });
  try {
    const run = Promise.resolve().then(() => tool.run(input, { ...ctx, signal: controller.signal }));
    return await Promise.race([
      run.catch((err) => {
        throw toolFailed(pluginId, tool.name, err);
      }),
      deadline,
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * A trusted module plugin imported into the host process (call only after its lock entry has
 * been verified). Input is checked and decoded once, by the tool's own zod schema (`decodeInput`, which the
 * pipeline calls instead of the JSON Schema), so `run` gets defaults and transforms as it does isolated.
 */
export function createInProcessRuntime(opts: RuntimeOptions): PluginRuntime {
  const { manifest } = opts;
  if (manifest.runtime.type !== 'module') throw new Error(`plugin ${manifest.id} is not a module plugin`);
  const entry = resolve(opts.dir, manifest.runtime.entry);
  const logger = opts.logger.child({ plugin: manifest.id, runtime: 'in-process' });
  let def: PluginDefinition | undefined;
  let tools = new Map<string, ToolSpec>();
  let definitions: ToolDefinition[] = [];
  let status: PluginRuntime['status'] = 'stopped';

  const runtime: PluginRuntime = {
    kind: 'in-process',
    get status() {
      return status;
    },
    get hooks() {
      return def?.hooks;
    },
    get webhook() {
      return def?.webhook;
    },
    async start() {
      status = 'starting';
      let mod: { default?: unknown };
      try {
        mod = await import(pathToFileURL(entry).href);
      } catch (err) {
        status = 'stopped';
        throw hostErrors.create(
          'NH_PLUGIN_LOAD_FAILED',
          `plugin ${manifest.id}: importing ${manifest.runtime.type === 'module' ? manifest.runtime.entry : ''} failed: ${(err as Error).message}`,
          {
            details: { plugin: manifest.id },
            cause: err,
          },
        );
      }
      const candidate = mod.default;
      if (!isPluginDefinition(candidate) || candidate.id !== manifest.id) {
        status = 'stopped';
        throw hostErrors.create(
          'NH_PLUGIN_LOAD_FAILED',
          isPluginDefinition(candidate)
            ? `plugin code has id ${candidate.id}, its manifest says ${manifest.id}`
            : `plugin ${manifest.id}: the entry does not default-export definePlugin(...)`,
          { details: { plugin: manifest.id } },
        );
      }
      def = candidate;
      tools = new Map(candidate.tools.map((t) => [t.name, t]));
      definitions = candidate.tools.map(toolDefinitionOf);
      status = 'ready';
    },
    async listTools() {
      return definitions;
    },
    decodeInput(name: string, input: unknown): ValidationResult {
      const tool = tools.get(name);
      if (!tool) throw toolNotFound(manifest.id, name);
      const parsed = tool.input.safeParse(input);
      return parsed.success ? { ok: true, value: parsed.data } : { ok: false, issues: parsed.error.issues.map(issueOf) };
    },
    async invoke(call: Invocation) {
      const tool = tools.get(call.tool);
      if (!tool) throw toolNotFound(manifest.id, call.tool);
      let input = call.input;
      if (!call.decoded) {
        const decoded = runtime.decodeInput!(call.tool, call.input);
        if (!decoded.ok)
          throw hostErrors.create(
            'NH_TOOL_INPUT_INVALID',
            `input for ${manifest.id}:${call.tool} is invalid: ${describeIssues(decoded.issues)}`,
            { details: { tool: `${manifest.id}:${call.tool}`, issues: decoded.issues } },
          );
        input = decoded.value;
      }
      const ctx = {
        ...call.context,
        // The manifest's network.hosts, then the workspace's outbound guard (no loopback/private/metadata unless allow-listed).
        fetch: createGuardedFetch([...manifest.network.hosts, ...(call.extraHosts ?? [])], outboundGuards.for(call.outboundAllow).fetch),
        logger: call.context.logger ?? logger.child({ tool: call.tool, callId: call.context.callId }),
        // The pipeline always passes the workspace's store; a bare runtime (tests, bench) gets a private one.
        store: call.context.store ?? createMemoryStore(),
        llm: call.context.llm ?? offlineLlm,
      };
      const output = await runWithTimeout(manifest.id, tool, input, ctx, call.timeoutMs);
      checkSerializedSize(manifest.id, call.tool, output, opts.resultMaxBytes ?? DEFAULT_RESULT_MAX_BYTES);
      return output;
    },
    async stop() {
      status = 'stopped';
      await def?.stop?.();
    },
  };
  return runtime;
}
