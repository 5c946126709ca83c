import type { AfterToolCallEvent } from '@neonhub/sdk';
import { hostErrors } from '../errors.js';
import { observeToolCall } from '../telemetry/index.js';
import { getTool, toolCallEvent } from './get-tool.js';
import type { ToolRunner } from './run-tool.js';
import { asToolError } from './tool-error.js';
import type { DeliveryOutcome, DeliveryRequest, PipelineDeps } from './types.js';

/**
 * The outbox's side of the pipeline (docs/outbox.md): one delivery attempt of a message, and the end of it.
 * Each resolves the workspace once, from the message's workspace id.
 */
export function createDelivery(deps: PipelineDeps, runTool: ToolRunner) {
  const { hooks, workspaces, logger } = deps;
  const defaultTimeoutMs = deps.defaultTimeoutMs ?? 30_000;

  /** The event of an outbox message's call, as governance allowed it. */
  async function deliveryEvent(req: DeliveryRequest) {
    const workspace = await workspaces.resolve(req.workspaceId);
    const tool = getTool(deps, req.tool);
    const event = toolCallEvent(tool, {
      callId: req.callId,
      workspace,
      actor: req.actor,
      input: req.input,
      idempotencyKey: req.idempotencyKey,
      approvalId: req.approvalId ?? undefined,
    });
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
      const output = await runTool({ tool, workspace, event, timeoutMs, llm: workspaces.llm(workspace.id) });
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

  return { deliver, settleDelivery };
}
