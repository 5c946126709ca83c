import type { AfterToolCallEvent, HookContext } from '@neonhub/sdk';
import { readConfig } from './config.js';
import type { DataTrustDeps } from './deps.js';

/**
 * The audit record of one finished call. Raw input and output never enter the log: only keyed
 * hashes of them (see keys.ts), the call's identity, who made it, and how it ended.
 */
export async function toolCallData(event: AfterToolCallEvent, ctx: HookContext, deps: DataTrustDeps): Promise<Record<string, unknown>> {
  const { hasher } = deps;
  return {
    callId: event.callId,
    tool: event.tool,
    plugin: event.plugin,
    sideEffect: event.sideEffect,
    actor: event.actor,
    status: event.status,
    durationMs: Math.round(event.durationMs * 1000) / 1000,
    idempotencyKey: event.idempotencyKey,
    inputHash: await hasher.hash(ctx.store, ctx.workspace.id, event.input),
    ...(event.status === 'ok' ? { outputHash: await hasher.hash(ctx.store, ctx.workspace.id, event.output) } : {}),
    ...(event.error ? { errorCode: event.error.code } : {}),
    ...(event.approvalId ? { approvalId: event.approvalId } : {}),
    ...(event.llmUsage
      ? {
          llm: {
            calls: event.llmUsage.calls,
            totalTokens: event.llmUsage.totalTokens,
            models: event.llmUsage.models,
            offline: event.llmUsage.offline,
          },
        }
      : {}),
  };
}

/** afterToolCall (priority 900, after the other after-hooks): appends a `tool_call` entry for every call. */
export function createAuditHook(deps: DataTrustDeps) {
  return async function afterToolCall(event: AfterToolCallEvent, ctx: HookContext): Promise<void> {
    const { checkpointEvery } = readConfig(ctx.config);
    await deps.log.append(ctx.store, ctx.workspace.id, { kind: 'tool_call', data: await toolCallData(event, ctx, deps) }, checkpointEvery);
  };
}
