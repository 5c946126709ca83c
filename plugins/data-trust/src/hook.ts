import type { AfterToolCallEvent, HookContext } from '@neonhub/sdk';
import { readConfig } from './config.js';
import type { DataTrustDeps } from './deps.js';
import { keyedHash } from './keys.js';

/**
 * The audit record of one finished call. Raw input and output never enter the log: only keyed
 * hashes of them (see keys.ts), the call's identity, who made it, and how it ended.
 */
export function toolCallData(event: AfterToolCallEvent, key: Buffer): Record<string, unknown> {
  const data: Record<string, unknown> = {
    callId: event.callId,
    tool: event.tool,
    plugin: event.plugin,
    sideEffect: event.sideEffect,
    actor: event.actor,
    status: event.status,
    durationMs: Math.round(event.durationMs * 1000) / 1000,
    idempotencyKey: event.idempotencyKey,
    inputHash: keyedHash(key, event.input),
  };
  if (event.status === 'ok') data.outputHash = keyedHash(key, event.output);
  if (event.error) data.errorCode = event.error.code;
  if (event.approvalId) data.approvalId = event.approvalId;
  if (event.llmUsage)
    data.llm = {
      calls: event.llmUsage.calls,
      totalTokens: event.llmUsage.totalTokens,
      models: event.llmUsage.models,
      offline: event.llmUsage.offline,
    };
  return data;
}

/** afterToolCall (priority 900, after the other after-hooks): appends a `tool_call` entry for every call. */
export function createAuditHook(deps: DataTrustDeps) {
  return async function afterToolCall(event: AfterToolCallEvent, ctx: HookContext): Promise<void> {
    const { checkpointEvery } = readConfig(ctx.config);
    const key = deps.hasher.key(ctx.store, ctx.workspace.id);
    const data = toolCallData(event, key instanceof Promise ? await key : key);
    await deps.log.append(ctx.store, ctx.workspace.id, { kind: 'tool_call', data }, checkpointEvery);
  };
}
