import { randomUUID } from 'node:crypto';
import { changesNothing, describeIssues } from '@neonhub/schemas';
import type { AfterToolCallEvent, LlmUsageTotals } from '@neonhub/sdk';
import { isTracing, traceToolCall } from '@neonhub/telemetry';
import type { Span } from '@opentelemetry/api';
import { hostErrors } from '../errors.js';
import { describeCallSpan, observeToolCall, rejectCall } from '../telemetry/index.js';
import { markStep } from '../telemetry/marks.js';
import { authorizeCall } from './authorize-call.js';
import { createDelivery } from './delivery.js';
import { missingPolicyPlugins, policyPluginMissing } from './fail-closed.js';
import { getTool, toolCallEvent } from './get-tool.js';
import { isOutboxed } from './may-call.js';
import { meteredLlm } from './metered-llm.js';
import { createNestedCalls } from './nested-calls.js';
import { createToolRunner } from './run-tool.js';
import { asToolError } from './tool-error.js';
import type { CallToolRequest, CallToolResult, PipelineDeps } from './types.js';

export { isOutboxed, mayCall } from './may-call.js';
export type * from './types.js';

/** A policy plugin's `expiresAt`, as ISO 8601; left out when it gave none, or none that reads as a time. */
const expiryOf = (expiresAt: unknown): { expiresAt?: string } => {
  const t = typeof expiresAt === 'string' ? Date.parse(expiresAt) : Number.NaN;
  return Number.isNaN(t) ? {} : { expiresAt: new Date(t).toISOString() };
};

/**
 * The one call pipeline every caller uses (CLI, API, MCP, orchestrator):
 * resolve -> authorize (the actor's role and the tool's side effect) -> enabled? -> validate input -> beforeToolCall hooks -> run with timeout ->
 * validate output -> afterToolCall hooks -> result.
 */
export function createCallTool(deps: PipelineDeps) {
  const { registry, hooks, workspaces, logger } = deps;
  const defaultTimeoutMs = deps.defaultTimeoutMs ?? 30_000;
  const nested = createNestedCalls(deps, callTool);
  const runTool = createToolRunner({ deps, nestedCall: nested.nestedCall, memoryFor: nested.memoryFor });
  const delivery = createDelivery(deps, runTool);

  /** With tracing off (the default) and no observer this is runCall itself: no span, no context, no allocation. */
  function callTool(req: CallToolRequest): Promise<CallToolResult> {
    return deps.observe ? observed(req, deps.observe) : traced(req);
  }

  function traced(req: CallToolRequest): Promise<CallToolResult> {
    return isTracing() ? traceToolCall(req.tool, (span) => runCall(req, span)) : runCall(req);
  }

  async function observed(req: CallToolRequest, observe: NonNullable<PipelineDeps['observe']>): Promise<CallToolResult> {
    const startedAt = new Date();
    const result = await traced(req);
    await observe(req, result, startedAt);
    return result;
  }

  async function runCall(req: CallToolRequest, span?: Span): Promise<CallToolResult> {
    const started = performance.now();
    const callId = randomUUID();
    const idempotencyKey = req.idempotencyKey ?? callId;
    // resolved once per call: a caller that holds the workspace (a route's scope, MCP's session, a nested call) passes it
    const workspace = typeof req.workspace === 'string' ? await workspaces.resolve(req.workspace) : req.workspace;
    const tool = getTool(deps, req.tool);
    const refused = authorizeCall(req.actor, tool.qualifiedName, tool.definition.sideEffect);
    if (refused) throw rejectCall(span, tool, started, refused);
    const enabled = workspaces.isEnabled(workspace.id, tool.pluginId); // known at once once the workspace was seen
    if (!(enabled === true || (enabled !== false && (await enabled)))) {
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

    const event = toolCallEvent(tool, {
      callId,
      workspace,
      actor: req.actor,
      input: req.input,
      idempotencyKey,
      approvalId: req.approvalId,
      parent: req.parent,
      approvalRequested: req.approvalRequested,
    });
    if (span) describeCallSpan(span, event);
    const hookActive = (pluginId: string) => workspaces.isEnabled(workspace.id, pluginId);
    let usage: (() => LlmUsageTotals | undefined) | undefined;
    const finish = async (status: AfterToolCallEvent['status'], extra: Partial<AfterToolCallEvent>) => {
      const durationMs = performance.now() - started;
      observeToolCall(span, tool.qualifiedName, tool.pluginId, status, durationMs, extra.error?.code);
      const llmUsage = usage?.();
      const after: AfterToolCallEvent = { ...event, status, durationMs, ...extra, ...(llmUsage ? { llmUsage } : {}) };
      markStep('after.start');
      await hooks.runAfter(after, hookActive);
      markStep('after.done');
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

    markStep('before.start');
    const decision = await hooks.runBefore(event, hookActive);
    markStep('before.done');
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
        ...expiryOf(decision.expiresAt),
      };
    }

    const coveringApproval = req.approvalId ?? req.parent?.approvalId;
    // The caller asked for a person's approval and no hook held the call (an approvals provider that ignores the
    // request, or none at all): the tool does not run.
    if (req.approvalRequested && !coveringApproval) {
      const error = hostErrors.create(
        'NH_APPROVAL_NOT_HELD',
        `${tool.qualifiedName} must be approved by a person before it runs (${req.approvalRequested.reason}), but no hook held it for approval, so it was not run`,
        { details: { tool: tool.qualifiedName, workspace: workspace.slug, reason: req.approvalRequested.reason } },
      );
      await finish('denied', { error: { code: error.code, message: error.message } });
      throw error;
    }
    const manifest = registry.plugin(tool.pluginId)!.manifest;
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
      output = await runTool({ tool, workspace, event, timeoutMs, llm: llm.access, decoded: { value: valid.value } });
    } catch (err) {
      const error = asToolError(tool.qualifiedName, err);
      await finish('error', { error: { code: error.code, message: error.message } });
      logger.debug({ err: error, tool: tool.qualifiedName, callId }, 'tool call failed');
      throw error;
    }
    const durationMs = await finish('ok', { output });
    return { status: 'ok', callId, output, durationMs };
  }

  return Object.assign(callTool, {
    hookContext: nested.hookContext,
    deliver: delivery.deliver,
    settleDelivery: delivery.settleDelivery,
    memory: nested.memoryAccess,
  });
}

export type CallTool = ReturnType<typeof createCallTool>;
