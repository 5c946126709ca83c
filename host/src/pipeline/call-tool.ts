import { randomUUID } from 'node:crypto';
import { isIP } from 'node:net';
import {
  type Actor,
  type Contract,
  changesNothing,
  describeIssues,
  isNeonHubError,
  type NeonHubError,
  ownToolFor,
  type PluginManifest,
} from '@neonhub/schemas';
import {
  type AfterToolCallEvent,
  type ChannelRouter,
  type ConnectionContext,
  createMemoryAccess,
  type HookContext,
  type LlmAccess,
  type LlmUsageTotals,
  type MemoryAccess,
  type PluginStore,
  type ResultsReader,
  type Scheduler,
  storeFor,
  type ToolCallEvent,
  type ToolContext,
  undeclaredSecret,
} from '@neonhub/sdk';
import { isPublicAddress } from '@neonhub/sdk/outbound';
import { isTracing, traceToolCall } from '@neonhub/telemetry';
import type { Span } from '@opentelemetry/api';
import type { Logger } from 'pino';
import { CHANNEL_TOOLS } from '../connections/channels.js';
import { hostErrors } from '../errors.js';
import type { ToolRegistry } from '../registry.js';
import { describeCallSpan, observeToolCall, rejectCall } from '../telemetry/index.js';
import { authorizeCall } from './authorize-call.js';
import { missingPolicyPlugins, policyPluginMissing } from './fail-closed.js';
import type { HookChain } from './hooks.js';

export interface CallToolRequest {
  /** Workspace slug or id. */
  workspace: string;
  /** `plugin-id:tool_name`. */
  tool: string;
  input: unknown;
  actor: Actor;
  /** Carried to the tool; a retry of the same logical call must reuse it. Defaults to the call id. */
  idempotencyKey?: string;
  /** Set when executing an approval that was granted. */
  approvalId?: string;
  /** Set for calls made by another tool (ctx.callTool); the pipeline fills it. */
  parent?: ToolCallEvent['parent'];
  /** Overrides the tool's timeout (never above it). */
  timeoutMs?: number;
}

export type CallToolResult =
  | { status: 'ok'; callId: string; output: unknown; durationMs: number }
  | { status: 'pending_approval'; callId: string; approvalId?: string; reason: string; plugin: string }
  | QueuedResult;

/**
 * An external send written to the outbox whose first attempt did not settle it within the caller's wait: the
 * dispatcher keeps trying (docs/outbox.md). The same call again (same idempotency key) reports it as it stands.
 */
export interface QueuedResult {
  status: 'queued';
  callId: string;
  messageId: string;
  /** The message's outbox status: queued, sending or retrying. */
  outboxStatus: string;
  attempts: number;
  nextAttemptAt: string | null;
  lastError: { code: string; message: string } | null;
  reason: string;
}

/** A connector's external call as the outbox receives it, after governance allowed it. */
export interface OutboxSubmission {
  workspace: { id: string; slug: string };
  pluginId: string;
  tool: string;
  manifest: PluginManifest;
  input: unknown;
  idempotencyKey: string;
  actor: Actor;
  callId: string;
  approvalId?: string;
  /** The tool's timeout: the caller waits about this long for the first attempt. */
  timeoutMs: number;
}

/** What became of a submission within the caller's wait. */
export type OutboxOutcome =
  | { kind: 'delivered'; output: unknown; durationMs: number }
  | { kind: 'failed'; error: NeonHubError }
  | { kind: 'queued'; result: Omit<QueuedResult, 'callId' | 'status'> };

/** The outbox as the pipeline sees it (host/src/outbox). */
export interface OutboxPort {
  submit(s: OutboxSubmission): Promise<OutboxOutcome>;
}

/** One delivery attempt of an outbox message: the call as it was allowed, made again by the dispatcher. */
export interface DeliveryRequest {
  workspaceId: string;
  tool: string;
  input: unknown;
  actor: Actor;
  idempotencyKey: string;
  callId: string;
  approvalId: string | null;
}

export type DeliveryOutcome = { ok: true; output: unknown; durationMs: number } | { ok: false; error: NeonHubError; durationMs: number };

/** What the pipeline needs of workspaces (the workspace service provides it). */
export interface WorkspaceAccess {
  resolve(slugOrId: string): Promise<{ id: string; slug: string }>;
  isEnabled(workspaceId: string, pluginId: string): boolean | Promise<boolean>;
  getConfig(workspaceId: string, pluginId: string): Promise<Record<string, unknown>>;
  getSecret(workspaceId: string, pluginId: string, name: string): Promise<string | undefined>;
  /** The plugin's private store in the workspace. */
  store(workspaceId: string, pluginId: string): PluginStore;
  /** The workspace's language model. */
  llm(workspaceId: string): LlmAccess;
  /** The allow-list of the workspace's outbound guard (NEONHUB_OUTBOUND_ALLOW + its own); none = refuse every non-public target. */
  outboundAllow?(workspaceId: string): Promise<readonly string[]>;
  /** Connected accounts (host/src/connections): the account a connector's call uses (`ctx.connection`). */
  connections?: ConnectionAccess;
  /** `ctx.channels`: which connector serves a channel in the workspace. */
  channels?(workspaceId: string): ChannelRouter;
  /** `ctx.results`: the workspace's stored results, read only. */
  results?(workspaceId: string): ResultsReader;
  /** The enabled plugins of the workspace that provide a contract (manifest `provides`), in id order. */
  providers?(workspaceId: string, contract: Contract): Promise<string[]>;
}

/** What the pipeline needs of connected accounts. */
export interface ConnectionAccess {
  /** The connection named by the input's `connection` (id or label), else the plugin's default; undefined when none. */
  forCall(
    workspaceId: string,
    pluginId: string,
    ref: string | undefined,
  ): Promise<{ context: ConnectionContext; status: string } | undefined>;
  /** The provider refused the credentials: a fresh context to retry once with (OAuth refreshed), or undefined (marked failing). */
  authFailed(workspaceId: string, connectionId: string, message: string, retry: boolean): Promise<ConnectionContext | undefined>;
  /** A call through a failing connection succeeded. */
  succeeded(connectionId: string): Promise<void>;
}

/**
 * The host of a plugin config's `baseUrl` (or a URL field of the connection) when it is a loopback or private address (a local fake, a self-hosted
 * instance): `ctx.fetch` may then reach it besides the manifest's hosts, and the outbound guard still refuses it
 * unless the operator allow-listed it. A public `baseUrl` adds nothing: a workspace admin cannot point a connector,
 * and its credentials, at a host its manifest does not declare.
 */
function nonPublicHost(value: unknown): string | undefined {
  if (typeof value !== 'string' || !/^https?:\/\//i.test(value)) return undefined;
  try {
    const url = new URL(value);
    const name = url.hostname.replace(/^\[|\]$/g, '');
    if (name !== 'localhost' && (isIP(name) === 0 || isPublicAddress(name))) return undefined;
    return url.host;
  } catch {
    return undefined;
  }
}

/** The same for the URL fields of the call's connection (a Bluesky `service`, a Mastodon `instanceUrl`). */
function extraHostsOf(config: Record<string, unknown>, connection: ConnectionContext | undefined): string[] | undefined {
  const hosts = [config.baseUrl, ...Object.values(connection?.credentials ?? {})].map(nonPublicHost).filter((h): h is string => !!h);
  return hosts.length > 0 ? [...new Set(hosts)] : undefined;
}

/** The optional `connection` field of a connector tool's input (an id or label). */
function connectionRef(input: unknown): string | undefined {
  const ref = (input as { connection?: unknown } | null)?.connection;
  return typeof ref === 'string' && ref.length > 0 ? ref : undefined;
}

/** The provider refused the credentials, in-process (the error itself) or wrapped by a runtime (NH_TOOL_FAILED, its code in details). */
function isAuthFailure(err: unknown): err is NeonHubError {
  if (!isNeonHubError(err)) return false;
  if (err.code === 'NH_CONNECTOR_AUTH_FAILED') return true;
  const d = err.details as { code?: unknown; pluginDetails?: { code?: unknown } } | undefined;
  return err.code === 'NH_TOOL_FAILED' && d?.code === 'NH_CONNECTOR_AUTH_FAILED';
}

/** Wraps the workspace model so the pipeline knows what one call spent (reported in afterToolCall). */
function meteredLlm(llm: LlmAccess) {
  let totals: LlmUsageTotals | undefined;
  const access: LlmAccess = {
    async generate(input) {
      const result = await llm.generate(input);
      totals ??= { calls: 0, inputTokens: 0, outputTokens: 0, totalTokens: 0, models: [], offline: true };
      const t = totals;
      t.calls++;
      t.inputTokens += result.usage.inputTokens;
      t.outputTokens += result.usage.outputTokens;
      t.totalTokens += result.usage.totalTokens;
      const model = `${result.provider}/${result.model}`;
      if (!t.models.includes(model)) t.models.push(model);
      t.offline &&= result.offline;
      return result;
    },
  };
  return { access, totals: () => totals };
}

/**
 * True when `target` (plugin-id:tool) is a dependency's tool or matches one of the manifest's `calls` patterns; or,
 * for an agent, when it is a connector's channel tool (`send`, `post`, ... for a channel the connector declares):
 * what `ctx.channels` routes a send to, whichever connector the workspace connected (governance and the outbox apply).
 */
export function mayCall(manifest: PluginManifest, target: string, targetManifest?: PluginManifest): boolean {
  const [plugin = '', name = ''] = target.split(':');
  if (plugin === manifest.id || plugin in manifest.dependencies) return true;
  if (manifest.calls.some((p) => p === '*' || p === `${plugin}:*` || p === `${plugin}:${name}`)) return true;
  const connector = targetManifest?.id === plugin ? targetManifest.connector : undefined;
  return manifest.kind === 'agent' && connector !== undefined && connector.channels.some((c) => CHANNEL_TOOLS[c] === name);
}

export interface CallRecord {
  callId: string;
  workspaceId: string;
  plugin: string;
  tool: string;
  actor: Actor;
  status: AfterToolCallEvent['status'];
  errorCode?: string;
  durationMs: number;
  idempotencyKey: string;
}

export interface PipelineDeps {
  registry: ToolRegistry;
  hooks: HookChain;
  workspaces: WorkspaceAccess;
  logger: Logger;
  /** Receives every finished call (batched into tool_calls by the host). */
  record?(record: CallRecord): void;
  defaultTimeoutMs?: number;
  /** Plugins with hooks that are not loaded now (any workspace): a call that changes something fails closed where one is enabled. */
  missingPolicyPlugins?(): readonly string[];
  /**
   * Whether a plugin provides the approvals contract: a hold for approval by a plugin that does not is refused
   * (NH_APPROVALS_PROVIDER_MISSING), since nothing could decide it. Without it every hold is accepted.
   */
  providesApprovals?(pluginId: string): boolean;
  /** A plugin's start state (waiting, starting, retrying, failed): a call to a tool not loaded yet says why. */
  pluginState?(pluginId: string): { status: string; error?: { code: string; message: string }; retryAt?: string } | undefined;
  /** External calls of connectors go through it (written, then delivered by its dispatcher); without it they run at once. */
  outbox?: OutboxPort;
  /** `ctx.scheduler` of a call: the workspace's schedules of the plugin, created as the caller (docs/schedules.md). */
  scheduler?(workspace: { id: string; slug: string }, pluginId: string, actor: Actor): Scheduler;
}

/** Calls that go through the outbox: a connector's tools that reach outside (send, post). */
export const isOutboxed = (manifest: PluginManifest | undefined, sideEffect: string) =>
  sideEffect === 'external' && manifest?.kind === 'connector';

/**
 * `registry.get`, except that a tool missing because its plugin has not loaded yet (or failed) is answered with
 * the reason (NH_PLUGIN_UNAVAILABLE) instead of a bare NH_TOOL_NOT_FOUND.
 */
function getTool(deps: PipelineDeps, name: string) {
  try {
    return deps.registry.get(name);
  } catch (err) {
    const pluginId = name.split(':')[0] ?? '';
    const state = isNeonHubError(err) && err.code === 'NH_TOOL_NOT_FOUND' ? deps.pluginState?.(pluginId) : undefined;
    if (!state || state.status === 'ready') throw err;
    const why =
      state.status === 'failed'
        ? `did not load: ${state.error?.code} ${state.error?.message}`
        : state.status === 'retrying'
          ? `failed to start (${state.error?.code} ${state.error?.message}) and retries${state.retryAt ? ` at ${state.retryAt}` : ''}`
          : `is still starting (${state.status}); try again in a moment (GET /health lists the plugins still starting)`;
    throw hostErrors.create('NH_PLUGIN_UNAVAILABLE', `${name} cannot be called yet: plugin ${pluginId} ${why}`, {
      details: { plugin: pluginId, status: state.status },
    });
  }
}

/**
 * The one call pipeline every caller uses (CLI, API, MCP, orchestrator):
 * resolve -> authorize (the actor's role and the tool's side effect) -> enabled? -> validate input -> beforeToolCall hooks -> run with timeout ->
 * validate output -> afterToolCall hooks -> result.
 */
export function createCallTool(deps: PipelineDeps) {
  const { registry, hooks, workspaces, logger } = deps;
  const defaultTimeoutMs = deps.defaultTimeoutMs ?? 30_000;

  /** With tracing off (the default) this is runCall itself: no span, no context, no allocation. */
  function callTool(req: CallToolRequest): Promise<CallToolResult> {
    return isTracing() ? traceToolCall(req.tool, (span) => runCall(req, span)) : runCall(req);
  }

  async function runCall(req: CallToolRequest, span?: Span): Promise<CallToolResult> {
    const started = performance.now();
    const callId = randomUUID();
    const idempotencyKey = req.idempotencyKey ?? callId;
    const workspace = await workspaces.resolve(req.workspace);
    const tool = getTool(deps, req.tool);
    const refused = authorizeCall(req.actor, tool.qualifiedName, tool.definition.sideEffect);
    if (refused) throw rejectCall(span, tool, started, refused);
    if (!(await workspaces.isEnabled(workspace.id, tool.pluginId))) {
      throw rejectCall(
        span,
        tool,
        started,
        hostErrors.create(
          'NH_TOOL_NOT_ENABLED',
          `${tool.qualifiedName} cannot be called in workspace ${workspace.slug}: plugin ${tool.pluginId} is not enabled there`,
          {
            details: { tool: tool.qualifiedName, workspace: workspace.slug },
          },
        ),
      );
    }
    const valid = tool.validateInput(req.input);
    if (!valid.ok) {
      throw rejectCall(
        span,
        tool,
        started,
        hostErrors.create('NH_TOOL_INPUT_INVALID', `input for ${tool.qualifiedName} is invalid: ${describeIssues(valid.issues)}`, {
          details: { tool: tool.qualifiedName, issues: valid.issues },
        }),
      );
    }

    if (!changesNothing(tool.definition.sideEffect) && deps.missingPolicyPlugins) {
      const missing = await missingPolicyPlugins(deps.missingPolicyPlugins(), (id) => workspaces.isEnabled(workspace.id, id));
      if (missing.length)
        throw rejectCall(span, tool, started, policyPluginMissing(tool.qualifiedName, tool.definition.sideEffect, workspace.slug, missing));
    }

    const event: ToolCallEvent = {
      callId,
      workspace,
      actor: req.actor,
      plugin: tool.pluginId,
      tool: tool.qualifiedName,
      sideEffect: tool.definition.sideEffect,
      input: req.input,
      idempotencyKey,
      ...(req.approvalId ? { approvalId: req.approvalId } : {}),
      ...(req.parent ? { parent: req.parent } : {}),
    };
    if (span) describeCallSpan(span, event);
    const hookActive = (pluginId: string) => workspaces.isEnabled(workspace.id, pluginId);
    let usage: (() => LlmUsageTotals | undefined) | undefined;
    const finish = async (status: AfterToolCallEvent['status'], extra: Partial<AfterToolCallEvent>) => {
      const durationMs = performance.now() - started;
      observeToolCall(span, tool.qualifiedName, tool.pluginId, status, durationMs, extra.error?.code);
      const llmUsage = usage?.();
      const after: AfterToolCallEvent = { ...event, status, durationMs, ...extra, ...(llmUsage ? { llmUsage } : {}) };
      await hooks.runAfter(after, hookActive);
      deps.record?.({
        callId,
        workspaceId: workspace.id,
        plugin: tool.pluginId,
        tool: tool.qualifiedName,
        actor: req.actor,
        status,
        ...(extra.error ? { errorCode: extra.error.code } : {}),
        durationMs,
        idempotencyKey,
      });
      return durationMs;
    };

    const decision = await hooks.runBefore(event, hookActive);
    if (decision.action === 'deny') {
      const error = hostErrors.create('NH_TOOL_DENIED', `${tool.qualifiedName} was denied by ${decision.pluginId}: ${decision.reason}`, {
        details: { plugin: decision.pluginId, reason: decision.reason, ...(decision.code ? { code: decision.code } : {}) },
      });
      await finish('denied', { error: { code: error.code, message: error.message } });
      throw error;
    }
    if (decision.action === 'approval' && deps.providesApprovals && !deps.providesApprovals(decision.pluginId)) {
      const error = hostErrors.create(
        'NH_APPROVALS_PROVIDER_MISSING',
        `${tool.qualifiedName} was held for approval by ${decision.pluginId}, which does not provide the approvals contract: nobody could decide it, so the call is refused`,
        { details: { plugin: decision.pluginId, reason: decision.reason } },
      );
      await finish('denied', { error: { code: error.code, message: error.message } });
      throw error;
    }
    if (decision.action === 'approval') {
      await finish('pending_approval', {});
      return {
        status: 'pending_approval',
        callId,
        reason: decision.reason,
        plugin: decision.pluginId,
        ...(decision.approvalId ? { approvalId: decision.approvalId } : {}),
      };
    }

    const manifest = registry.plugin(tool.pluginId)!.manifest;
    const coveringApproval = req.approvalId ?? req.parent?.approvalId;
    const timeoutMs = Math.min(req.timeoutMs ?? Number.POSITIVE_INFINITY, tool.definition.timeoutMs ?? defaultTimeoutMs);

    if (deps.outbox && isOutboxed(manifest, tool.definition.sideEffect)) {
      // Written to the outbox now that governance allowed it; the dispatcher delivers it (and runs afterToolCall).
      const outcome = await deps.outbox.submit({
        workspace,
        pluginId: tool.pluginId,
        tool: tool.qualifiedName,
        manifest,
        input: req.input,
        idempotencyKey,
        actor: req.actor,
        callId,
        ...(coveringApproval ? { approvalId: coveringApproval } : {}),
        timeoutMs,
      });
      if (outcome.kind === 'failed') throw outcome.error;
      if (outcome.kind === 'queued') return { status: 'queued', callId, ...outcome.result };
      return { status: 'ok', callId, output: outcome.output, durationMs: outcome.durationMs };
    }

    const llm = meteredLlm(workspaces.llm(workspace.id));
    usage = llm.totals;
    let output: unknown;
    try {
      output = await execute(tool, workspace, event, timeoutMs, llm.access);
    } catch (err) {
      const error = asToolError(tool.qualifiedName, err);
      await finish('error', { error: { code: error.code, message: error.message } });
      logger.debug({ err: error, tool: tool.qualifiedName, callId }, 'tool call failed');
      throw error;
    }
    const durationMs = await finish('ok', { output });
    return { status: 'ok', callId, output, durationMs };
  }

  const asToolError = (qualifiedName: string, err: unknown): NeonHubError =>
    isNeonHubError(err)
      ? err
      : hostErrors.create('NH_TOOL_FAILED', `${qualifiedName} failed: ${err instanceof Error ? err.message : String(err)}`, { cause: err });

  /** Builds the tool's context, runs it with its timeout and checks its output (throws what went wrong). */
  async function execute(
    tool: ReturnType<typeof getTool>,
    workspace: { id: string; slug: string },
    event: ToolCallEvent,
    timeoutMs: number,
    llm: LlmAccess,
  ): Promise<unknown> {
    const manifest = registry.plugin(tool.pluginId)!.manifest;
    const coveringApproval = event.approvalId ?? event.parent?.approvalId;
    const declaredSecrets = new Set(manifest.secrets.map((s) => s.name));
    const context: Omit<ToolContext, 'fetch' | 'signal' | 'logger'> = {
      workspace,
      actor: event.actor,
      config: await workspaces.getConfig(workspace.id, tool.pluginId),
      secrets: {
        get: async (name) => {
          if (!declaredSecrets.has(name)) throw undeclaredSecret(tool.pluginId, name);
          return workspaces.getSecret(workspace.id, tool.pluginId, name);
        },
      },
      idempotencyKey: event.idempotencyKey,
      callId: event.callId,
      callTool: (target, input, options) =>
        nestedCall(manifest, workspace.id, event.actor, event.idempotencyKey, target, input, options, {
          callId: event.callId,
          tool: tool.qualifiedName,
          ...(coveringApproval ? { approvalId: coveringApproval } : {}),
        }),
      // Read-only for a tool declaring no side effect: a run may call it twice (docs/runs.md, carried steps).
      store: storeFor(workspaces.store(workspace.id, tool.pluginId), tool.qualifiedName, tool.definition.sideEffect),
      llm,
      ...(workspaces.channels ? { channels: workspaces.channels(workspace.id) } : {}),
      ...(workspaces.results ? { results: workspaces.results(workspace.id) } : {}),
      ...(deps.scheduler ? { scheduler: deps.scheduler(workspace, tool.pluginId, event.actor) } : {}),
    };
    if (manifest.kind === 'agent') {
      const memory = await memoryFor(workspace, event);
      if (memory) context.memory = memory;
    }
    const outboundAllow = (await workspaces.outboundAllow?.(workspace.id)) ?? [];
    // a connector's call uses the connection its input names (or the default), resolved now: at delivery for the outbox
    const connections = manifest.connector ? workspaces.connections : undefined;
    const connection = await connections?.forCall(workspace.id, tool.pluginId, connectionRef(event.input));
    if (connection) context.connection = connection.context;
    const invoke = () => {
      const extraHosts = extraHostsOf(context.config, context.connection);
      return tool.runtime.invoke({
        tool: tool.name,
        input: event.input,
        context,
        timeoutMs,
        outboundAllow,
        ...(extraHosts ? { extraHosts } : {}),
      });
    };
    let output: unknown;
    try {
      output = await invoke();
    } catch (err) {
      if (!connections || !connection || !isAuthFailure(err)) throw err;
      // the provider refused the credentials: an OAuth token is refreshed once and the call tried again
      const fresh = await connections.authFailed(workspace.id, connection.context.id, err.message, true);
      if (!fresh) throw err;
      context.connection = fresh;
      try {
        output = await invoke();
      } catch (again) {
        if (isAuthFailure(again)) await connections.authFailed(workspace.id, fresh.id, again.message, false);
        throw again;
      }
    }
    if (connections && connection?.status === 'failing') await connections.succeeded(connection.context.id);
    const checked = tool.validateOutput(output);
    if (!checked.ok) {
      throw hostErrors.create(
        'NH_TOOL_OUTPUT_INVALID',
        `${tool.qualifiedName} returned output that does not match its output schema: ${describeIssues(checked.issues)}`,
        { details: { tool: tool.qualifiedName, issues: checked.issues } },
      );
    }
    return output;
  }

  /** The event of an outbox message's call, as governance allowed it. */
  async function deliveryEvent(req: DeliveryRequest) {
    const workspace = await workspaces.resolve(req.workspaceId);
    const tool = getTool(deps, req.tool);
    const event: ToolCallEvent = {
      callId: req.callId,
      workspace,
      actor: req.actor,
      plugin: tool.pluginId,
      tool: tool.qualifiedName,
      sideEffect: tool.definition.sideEffect,
      input: req.input,
      idempotencyKey: req.idempotencyKey,
      ...(req.approvalId ? { approvalId: req.approvalId } : {}),
    };
    return { workspace, tool, event };
  }

  /**
   * One delivery attempt of an outbox message (the dispatcher's): the tool runs as the call governance allowed —
   * same call id, actor, input and idempotency key — without asking beforeToolCall again (its approval was used
   * once, when the message was written). The plugin must still be enabled in the workspace.
   */
  async function deliver(req: DeliveryRequest): Promise<DeliveryOutcome> {
    const started = performance.now();
    try {
      const { workspace, tool, event } = await deliveryEvent(req);
      if (!(await workspaces.isEnabled(workspace.id, tool.pluginId)))
        throw hostErrors.create(
          'NH_TOOL_NOT_ENABLED',
          `${tool.qualifiedName} cannot be delivered: plugin ${tool.pluginId} is no longer enabled in ${workspace.slug}`,
          {
            details: { tool: tool.qualifiedName, workspace: workspace.slug },
          },
        );
      const timeoutMs = tool.definition.timeoutMs ?? defaultTimeoutMs;
      const output = await execute(tool, workspace, event, timeoutMs, workspaces.llm(workspace.id));
      return { ok: true, output, durationMs: performance.now() - started };
    } catch (err) {
      return { ok: false, error: asToolError(req.tool, err), durationMs: performance.now() - started };
    }
  }

  /** The end of an outbox message (delivered, or dead): afterToolCall hooks, the call record and metrics, once. */
  async function settleDelivery(req: DeliveryRequest, outcome: DeliveryOutcome): Promise<void> {
    let ctx: Awaited<ReturnType<typeof deliveryEvent>>;
    try {
      ctx = await deliveryEvent(req);
    } catch (err) {
      logger.warn({ err, tool: req.tool, callId: req.callId }, 'outbox: could not settle a delivery (tool gone)');
      return;
    }
    const { workspace, tool, event } = ctx;
    const status = outcome.ok ? 'ok' : 'error';
    const error = outcome.ok ? undefined : { code: outcome.error.code, message: outcome.error.message };
    observeToolCall(undefined, tool.qualifiedName, tool.pluginId, status, outcome.durationMs, error?.code);
    const after: AfterToolCallEvent = {
      ...event,
      status,
      durationMs: outcome.durationMs,
      ...(outcome.ok ? { output: outcome.output } : { error: error! }),
    };
    await hooks.runAfter(after, (pluginId) => workspaces.isEnabled(workspace.id, pluginId));
    deps.record?.({
      callId: req.callId,
      workspaceId: workspace.id,
      plugin: tool.pluginId,
      tool: tool.qualifiedName,
      actor: req.actor,
      status,
      ...(error ? { errorCode: error.code } : {}),
      durationMs: outcome.durationMs,
      idempotencyKey: req.idempotencyKey,
    });
  }

  /** ctx.callTool of a tool or hook: through the same pipeline, only to tools the caller's manifest allows. */
  async function nestedCall(
    caller: PluginManifest,
    workspaceId: string,
    actor: Actor,
    parentKey: string,
    target: string,
    input: unknown,
    options: { approvalId?: string; idempotencyKey?: string } = {},
    parent?: ToolCallEvent['parent'],
  ): Promise<unknown> {
    if (!mayCall(caller, target, registry.plugin(target.split(':')[0] ?? '')?.manifest)) {
      throw hostErrors.create(
        'NH_TOOL_DEPENDENCY_UNDECLARED',
        `plugin ${caller.id} called ${target} but declares neither its plugin in dependencies nor a matching pattern in calls`,
        {
          details: { plugin: caller.id, target },
        },
      );
    }
    const result = await callTool({
      workspace: workspaceId,
      tool: target,
      input,
      actor,
      idempotencyKey: options.idempotencyKey ?? `${parentKey}/${target}`,
      ...(options.approvalId ? { approvalId: options.approvalId } : {}),
      ...(parent ? { parent } : {}),
    });
    if (result.status === 'queued')
      return { queued: { messageId: result.messageId, status: result.outboxStatus, reason: result.reason, lastError: result.lastError } };
    if (result.status !== 'ok') return { pendingApproval: { approvalId: result.approvalId, reason: result.reason } };
    return result.output;
  }

  /**
   * The memory contract in a workspace (an agent's `ctx.memory`, the planner's memory context): served by the first
   * enabled, loaded plugin that provides `memory` (found by manifest, never by id), called through this pipeline in
   * that workspace as `actor` (policy, audit and usage apply), as a nested call of `parent` when given. Undefined
   * when no such plugin is enabled.
   */
  async function memoryAccess(
    workspace: { id: string; slug: string },
    actor: Actor,
    keyPrefix: string,
    parent?: ToolCallEvent['parent'],
  ): Promise<MemoryAccess | undefined> {
    const provider = (await workspaces.providers?.(workspace.id, 'memory'))?.find((id) => registry.plugin(id) !== undefined);
    if (!provider) return undefined;
    let seq = 0;
    const provides = registry.plugin(provider)?.manifest.provides;
    return createMemoryAccess(provider, async (name, input) => {
      const result = await callTool({
        workspace: workspace.id,
        tool: `${provider}:${ownToolFor(provides, 'memory', name) ?? name}`,
        input,
        actor,
        idempotencyKey: `${keyPrefix}/memory/${seq++}`,
        ...(parent ? { parent } : {}),
      });
      if (result.status === 'ok') return result.output;
      return { pendingApproval: { reason: result.reason ?? result.status } };
    });
  }

  /** `ctx.memory` of an agent's call: the memory contract as a nested call of it, as its caller. */
  function memoryFor(workspace: { id: string; slug: string }, event: ToolCallEvent): Promise<MemoryAccess | undefined> {
    const coveringApproval = event.approvalId ?? event.parent?.approvalId;
    return memoryAccess(workspace, event.actor, event.idempotencyKey, {
      callId: event.callId,
      tool: event.tool,
      ...(coveringApproval ? { approvalId: coveringApproval } : {}),
    });
  }

  /** The context a hook of `pluginId` receives for a workspace. */
  async function hookContext(pluginId: string, workspace: { id: string; slug: string }): Promise<HookContext> {
    const manifest = registry.plugin(pluginId)?.manifest;
    if (!manifest) throw hostErrors.create('NH_PLUGIN_NOT_FOUND', `no plugin ${pluginId} is loaded`);
    const declared = new Set(manifest.secrets.map((s) => s.name));
    return {
      workspace,
      config: await workspaces.getConfig(workspace.id, pluginId),
      secrets: {
        get: async (name) => {
          if (!declared.has(name)) throw undeclaredSecret(pluginId, name);
          return workspaces.getSecret(workspace.id, pluginId, name);
        },
      },
      logger: logger.child({ plugin: pluginId }),
      callTool: (target, input, options) =>
        nestedCall(manifest, workspace.id, { type: 'system', id: `plugin:${pluginId}` }, `hook:${pluginId}`, target, input, options),
      store: workspaces.store(workspace.id, pluginId),
    };
  }

  return Object.assign(callTool, { hookContext, deliver, settleDelivery, memory: memoryAccess });
}

export type CallTool = ReturnType<typeof createCallTool>;
