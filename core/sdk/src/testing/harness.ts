import { randomUUID } from 'node:crypto';
import { type Actor, describeIssues, type PluginManifest, type SideEffect } from '@neonhub/schemas';
import type { MemoryAccess } from '../contracts/memory.js';
import { sdkErrors, undeclaredSecret } from '../errors.js';
import { createGuardedFetch } from '../guarded-fetch.js';
import { createMemoryStore } from '../memory-store.js';
import { storeFor } from '../read-only-store.js';
import type {
  AfterToolCallEvent,
  CallToolOptions,
  ChannelRouter,
  ConnectionContext,
  HookContext,
  HookDecision,
  LlmAccess,
  PluginDefinition,
  PluginStore,
  ResultsReader,
  Scheduler,
  ToolCallEvent,
  ToolContext,
  ToolSpec,
} from '../types.js';
import { type CapturedLog, createCaptureLogger } from './capture-logger.js';

export interface HarnessOptions {
  /** The plugin's manifest: grants network hosts and secret names. Without it nothing may be fetched and any name in `secrets` counts as declared. */
  manifest?: PluginManifest;
  workspace?: { id: string; slug: string };
  actor?: Actor;
  config?: Record<string, unknown>;
  /** Secret values by name. */
  secrets?: Record<string, string>;
  /** The fetch behind the guard (a stub or a local server); defaults to the global fetch. */
  fetch?: typeof fetch;
  /** Stands in for `ctx.callTool`; without it `ctx.callTool` throws NH_SDK_CALL_UNSUPPORTED. */
  callTool?: (tool: string, input: unknown, options?: CallToolOptions) => Promise<unknown>;
  /** The plugin's store; defaults to a fresh in-memory store (shared by every call of this harness). */
  store?: PluginStore;
  /** The language model; defaults to NeonHub's deterministic offline model (the real one, not a stub). */
  llm?: LlmAccess;
  /** Timeout for tools that declare no `timeoutMs` (default 30 s). */
  defaultTimeoutMs?: number;
  /** The connected account a connector's tools see as `ctx.connection` (what the host resolves from the workspace). */
  connection?: ConnectionContext;
  /** Channel routing as the host would answer it (`ctx.channels`); absent = agents fall back to the sandbox connectors. */
  channels?: ChannelRouter;
  /** The host's scheduler as `ctx.scheduler` (e.g. `createMemoryScheduler()`); absent = agents keep schedules only in their store. */
  scheduler?: Scheduler;
  /** The workspace's stored results as `ctx.results` (e.g. `createMemoryResults(rows)`); absent = no results to read. */
  results?: ResultsReader;
  /**
   * `ctx.memory` (the memory contract), e.g. `createMemoryAccess('memory', call)` over a real memory server's tools;
   * absent = no memory plugin is enabled.
   */
  memory?: MemoryAccess;
}

export interface CallOptions {
  /** Reuse to model a retry of the same logical call. */
  idempotencyKey?: string;
  callId?: string;
  signal?: AbortSignal;
  timeoutMs?: number;
}

export type HookEventInput<E> = Partial<E> & { tool?: string };

export interface Harness {
  /** Validates input, runs the tool with a full ToolContext, validates and returns the output. */
  call(toolName: string, input: unknown, opts?: CallOptions): Promise<unknown>;
  /** Typed call when you hold the tool spec itself. */
  run<T extends ToolSpec>(tool: T, input: unknown, opts?: CallOptions): Promise<import('zod').output<T['output']>>;
  /** The plugin's tools by name. */
  tools: ReadonlyMap<string, ToolSpec>;
  /** A ToolContext like the ones calls get (fixed callId/idempotencyKey), for running code by hand. */
  context: ToolContext;
  /** Every line logged through `ctx.logger` / the hook logger, in order. */
  logs: CapturedLog[];
  /** Each call the harness ran, with its generated ids. */
  calls: Array<{ tool: string; callId: string; idempotencyKey: string }>;
  /** Runs a hook of the plugin with a full event (missing fields filled in). */
  hook(name: 'beforeToolCall', event?: HookEventInput<ToolCallEvent>): Promise<HookDecision | undefined>;
  hook(name: 'afterToolCall', event?: HookEventInput<AfterToolCallEvent>): Promise<void>;
}

/** Runs a plugin's tools and hooks without a host, with the same checks the host applies. */
export function createHarness(plugin: PluginDefinition, opts: HarnessOptions = {}): Harness {
  const tools = new Map(plugin.tools.map((t) => [t.name, t] as const));
  const workspace = opts.workspace ?? { id: randomUUID(), slug: 'test-workspace' };
  const actor: Actor = opts.actor ?? { type: 'user', id: 'test-user', role: 'owner' };
  const config = opts.config ?? {};
  const secretValues = opts.secrets ?? {};
  const declared = new Set(opts.manifest ? opts.manifest.secrets.map((s) => s.name) : Object.keys(secretValues));
  const guardedFetch = createGuardedFetch(opts.manifest?.network.hosts ?? [], opts.fetch ?? globalThis.fetch);
  const logs: CapturedLog[] = [];
  const calls: Harness['calls'] = [];

  const secrets: ToolContext['secrets'] = {
    get(name) {
      if (!declared.has(name)) {
        return Promise.reject(undeclaredSecret(plugin.id, name, [...declared]));
      }
      return Promise.resolve(secretValues[name]);
    },
  };
  const store = opts.store ?? createMemoryStore();
  const llm: LlmAccess = opts.llm ?? offlineLlm();
  const callTool: ToolContext['callTool'] = (tool, input, options) =>
    opts.callTool
      ? opts.callTool(tool, input, options)
      : Promise.reject(
          sdkErrors.create('NH_SDK_CALL_UNSUPPORTED', `ctx.callTool(${tool}) needs a callTool stub in createHarness options`, {
            details: { tool },
          }),
        );

  /** A tool's context; `tool` given, its store is read-only unless the tool declares a side effect that writes. */
  function contextFor(
    callId: string,
    idempotencyKey: string,
    signal: AbortSignal,
    tool?: { name: string; sideEffect: SideEffect },
  ): ToolContext {
    return {
      workspace,
      actor,
      config,
      secrets,
      logger: createCaptureLogger(logs, callId),
      fetch: guardedFetch,
      idempotencyKey,
      callId,
      signal,
      callTool,
      store: tool ? storeFor(store, `${plugin.id}:${tool.name}`, tool.sideEffect) : store,
      llm,
      ...(opts.connection ? { connection: opts.connection } : {}),
      ...(opts.channels ? { channels: opts.channels } : {}),
      ...(opts.scheduler ? { scheduler: opts.scheduler } : {}),
      ...(opts.results ? { results: opts.results } : {}),
      ...(opts.memory ? { memory: opts.memory } : {}),
    };
  }

  async function call(toolName: string, input: unknown, callOpts: CallOptions = {}): Promise<unknown> {
    const tool = tools.get(toolName);
    if (!tool) {
      throw sdkErrors.create('NH_SDK_TOOL_UNKNOWN', `plugin ${plugin.id} defines no tool ${toolName}`, {
        details: { tool: toolName, tools: [...tools.keys()] },
      });
    }
    const parsed = tool.input.safeParse(input);
    if (!parsed.success) {
      throw sdkErrors.create(
        'NH_SDK_INPUT_INVALID',
        `input of ${plugin.id}:${toolName} is invalid: ${describeIssues(parsed.error.issues)}`,
        {
          details: { tool: toolName, issues: parsed.error.issues },
        },
      );
    }
    const callId = callOpts.callId ?? randomUUID();
    const idempotencyKey = callOpts.idempotencyKey ?? randomUUID();
    calls.push({ tool: toolName, callId, idempotencyKey });
    const timeoutMs = callOpts.timeoutMs ?? tool.timeoutMs ?? opts.defaultTimeoutMs ?? 30_000;
    const controller = new AbortController();
    const onOuterAbort = () => controller.abort(callOpts.signal?.reason);
    callOpts.signal?.addEventListener('abort', onOuterAbort, { once: true });
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        const err = sdkErrors.create('NH_SDK_TOOL_TIMEOUT', `${plugin.id}:${toolName} did not finish within ${timeoutMs} ms`, {
          details: { tool: toolName, timeoutMs },
        });
        reject(err);
        controller.abort(err);
      }, timeoutMs);
    });
    let raw: unknown;
    try {
      raw = await Promise.race([
        Promise.resolve(tool.run(parsed.data, contextFor(callId, idempotencyKey, controller.signal, tool))),
        timeout,
      ]);
    } finally {
      clearTimeout(timer);
      callOpts.signal?.removeEventListener('abort', onOuterAbort);
    }
    const out = tool.output.safeParse(raw);
    if (!out.success) {
      throw sdkErrors.create(
        'NH_SDK_OUTPUT_INVALID',
        `output of ${plugin.id}:${toolName} is invalid: ${describeIssues(out.error.issues)}`,
        {
          details: { tool: toolName, issues: out.error.issues },
        },
      );
    }
    return out.data;
  }

  function fillEvent(event: HookEventInput<AfterToolCallEvent>): AfterToolCallEvent {
    const toolName = event.tool ?? `${plugin.id}:${plugin.tools[0]?.name ?? 'tool'}`;
    const local = tools.get(toolName.includes(':') ? toolName.slice(toolName.indexOf(':') + 1) : toolName);
    return {
      callId: randomUUID(),
      workspace,
      actor,
      plugin: plugin.id,
      sideEffect: local?.sideEffect ?? 'none',
      input: {},
      idempotencyKey: randomUUID(),
      status: 'ok',
      durationMs: 0,
      ...event,
      tool: toolName,
    };
  }

  async function hook(
    name: 'beforeToolCall' | 'afterToolCall',
    event: HookEventInput<AfterToolCallEvent> = {},
  ): Promise<HookDecision | undefined> {
    const fn = plugin.hooks?.[name];
    if (typeof fn !== 'function') {
      throw sdkErrors.create('NH_SDK_HOOK_UNDEFINED', `plugin ${plugin.id} defines no ${name} hook`, { details: { hook: name } });
    }
    const full = fillEvent(event);
    const ctx: HookContext = {
      workspace: full.workspace,
      config,
      secrets,
      logger: createCaptureLogger(logs, full.callId),
      callTool,
      store,
    };
    if (name === 'beforeToolCall') {
      const { status: _s, output: _o, error: _e, durationMs: _d, ...before } = full;
      return (await plugin.hooks!.beforeToolCall!(before, ctx)) ?? undefined;
    }
    await plugin.hooks!.afterToolCall!(full, ctx);
    return undefined;
  }

  return {
    call,
    run: (tool, input, o) => call(tool.name, input, o) as never,
    tools,
    context: contextFor('harness-context', 'harness-context', new AbortController().signal),
    logs,
    calls,
    hook: hook as Harness['hook'],
  };
}

/**
 * The deterministic offline model, loaded on a test's first `ctx.llm` call: the LLM adapter (`ai` and the provider
 * packages) is the host's, an optional peer of the SDK that a plugin's tests install to use it, never a dependency
 * every plugin pulls in.
 */
function offlineLlm(): LlmAccess {
  let loaded: Promise<LlmAccess> | undefined;
  return {
    async generate(input) {
      loaded ??= import('@neonhub/llm').then(({ createLlm }) => createLlm({ provider: 'offline' }) as LlmAccess);
      return (await loaded).generate(input);
    },
  };
}
