import { isNeonHubError } from '@neonhub/schemas';
import type { ToolCallEvent } from '@neonhub/sdk';
import { hostErrors } from '../errors.js';
import type { PipelineDeps } from './types.js';

/**
 * `registry.get`, except that a tool missing because its plugin has not loaded yet (or failed) is answered with
 * the reason (NH_PLUGIN_UNAVAILABLE) instead of a bare NH_TOOL_NOT_FOUND.
 */
export function getTool(deps: PipelineDeps, name: string) {
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

export type PipelineTool = ReturnType<typeof getTool>;

/** The event hooks and telemetry see for a call of `tool`: the tool's facts plus the call's own. */
export function toolCallEvent(
  tool: PipelineTool,
  call: Pick<ToolCallEvent, 'callId' | 'workspace' | 'actor' | 'input' | 'idempotencyKey' | 'approvalId' | 'parent' | 'approvalRequested'>,
): ToolCallEvent {
  // one literal in a fixed shape (no rest/spread): made on every call
  const event: ToolCallEvent = {
    callId: call.callId,
    workspace: call.workspace,
    actor: call.actor,
    input: call.input,
    idempotencyKey: call.idempotencyKey,
    plugin: tool.pluginId,
    tool: tool.qualifiedName,
    sideEffect: tool.definition.sideEffect,
  };
  if (call.approvalId) event.approvalId = call.approvalId;
  if (call.parent) event.parent = call.parent;
  if (call.approvalRequested) event.approvalRequested = call.approvalRequested;
  return event;
}
