import { describeIssues, type PluginManifest } from '@neonhub/schemas';
import type { LlmAccess, MemoryAccess, ToolCallEvent, ToolContext } from '@neonhub/sdk';
import { storeFor, undeclaredSecret } from '@neonhub/sdk/host';
import { hostErrors } from '../errors.js';
import { connectionRef, extraHostsOf, isAuthFailure } from './connection-call.js';
import type { PipelineTool } from './get-tool.js';
import type { NestedCall } from './nested-calls.js';
import type { PipelineDeps, WorkspaceRef } from './types.js';

export interface ToolRunnerDeps {
  deps: PipelineDeps;
  nestedCall: NestedCall;
  /** `ctx.memory` of an agent's call (undefined when no memory provider is enabled). */
  memoryFor(workspace: WorkspaceRef, event: ToolCallEvent): Promise<MemoryAccess | undefined>;
}

/** How one run of a tool is made: the call's event, its timeout and model, and the input as the pipeline decoded it. */
export interface ToolRun {
  tool: PipelineTool;
  workspace: WorkspaceRef;
  event: ToolCallEvent;
  timeoutMs: number;
  llm: LlmAccess;
  /**
   * The input the pipeline validated and decoded (a module plugin's zod parse): the runtime runs it as it is.
   * Absent (an outbox delivery), the runtime decodes `event.input` itself.
   */
  decoded?: { value: unknown };
}

export type ToolRunner = (run: ToolRun) => Promise<unknown>;

/**
 * Builds a tool's context (config, secrets, store, model, nested calls, memory, connection), runs it with its
 * timeout (an OAuth connection refused once is refreshed and tried again) and checks its output against the
 * tool's output schema: the host checks what an untrusted plugin returns. Throws what went wrong.
 */
export function createToolRunner({ deps, nestedCall, memoryFor }: ToolRunnerDeps): ToolRunner {
  const { registry, workspaces } = deps;

  return async function runTool({ tool, workspace, event, timeoutMs, llm, decoded }) {
    const manifest: PluginManifest = registry.plugin(tool.pluginId)!.manifest;
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
        nestedCall(manifest, workspace, event.actor, event.idempotencyKey, target, input, options, {
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
        input: decoded ? decoded.value : event.input,
        ...(decoded ? { decoded: true } : {}),
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
  };
}
