import { type Actor, ownToolFor, type PluginManifest } from '@neonhub/schemas';
import type { CallToolOptions, HookContext, MemoryAccess, ToolCallEvent } from '@neonhub/sdk';
import { createMemoryAccess, undeclaredSecret } from '@neonhub/sdk/host';
import { hostErrors } from '../errors.js';
import { mayCall } from './may-call.js';
import type { CallToolRequest, CallToolResult, PipelineDeps, WorkspaceRef } from './types.js';

/** ctx.callTool of a tool or hook, in the caller's (already resolved) workspace. */
export type NestedCall = (
  caller: PluginManifest,
  workspace: WorkspaceRef,
  actor: Actor,
  parentKey: string,
  target: string,
  input: unknown,
  options?: CallToolOptions,
  parent?: ToolCallEvent['parent'],
) => Promise<unknown>;

/**
 * The calls a call makes through the pipeline itself: a tool's or hook's `ctx.callTool`, the memory contract
 * (`ctx.memory`, the planner's memory context) and a hook's context. Each passes the workspace it already
 * holds, so a nested call does not look it up again.
 */
export function createNestedCalls(deps: PipelineDeps, callTool: (req: CallToolRequest) => Promise<CallToolResult>) {
  const { registry, workspaces, logger } = deps;

  /** ctx.callTool of a tool or hook: through the same pipeline, only to tools the caller's manifest allows. */
  const nestedCall: NestedCall = async (caller, workspace, actor, parentKey, target, input, options = {}, parent) => {
    if (!mayCall(caller, target, registry.plugin(target.split(':')[0] ?? '')?.manifest)) {
      throw hostErrors.create(
        'NH_TOOL_DEPENDENCY_UNDECLARED',
        `plugin ${caller.id} called ${target} but declares neither its plugin in dependencies nor a matching pattern in calls`,
        {
          details: { plugin: caller.id, target },
        },
      );
    }
    const idempotencyKey = options.idempotencyKey ?? `${parentKey}/${target}`;
    // what the send is for (its draft, campaign): stored under its key before it is made, read when it is delivered;
    // a draft's links become its tracked links
    const sent =
      options.attribution && deps.attributeSend
        ? await deps.attributeSend(workspace.id, target, idempotencyKey, options.attribution, input)
        : input;
    const result = await callTool({
      workspace,
      tool: target,
      input: sent,
      actor,
      idempotencyKey,
      ...(options.approvalId ? { approvalId: options.approvalId } : {}),
      ...(parent ? { parent } : {}),
    });
    if (result.status === 'queued')
      return { queued: { messageId: result.messageId, status: result.outboxStatus, reason: result.reason, lastError: result.lastError } };
    if (result.status !== 'ok') return { pendingApproval: { approvalId: result.approvalId, reason: result.reason } };
    return result.output;
  };

  /**
   * The memory contract in a workspace (an agent's `ctx.memory`, the planner's memory context): served by the first
   * enabled, loaded plugin that provides `memory` (found by manifest, never by id), called through this pipeline in
   * that workspace as `actor` (policy, audit and usage apply), as a nested call of `parent` when given. Undefined
   * when no such plugin is enabled.
   */
  async function memoryAccess(
    workspace: WorkspaceRef,
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
        workspace,
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
  function memoryFor(workspace: WorkspaceRef, event: ToolCallEvent): Promise<MemoryAccess | undefined> {
    const coveringApproval = event.approvalId ?? event.parent?.approvalId;
    return memoryAccess(workspace, event.actor, event.idempotencyKey, {
      callId: event.callId,
      tool: event.tool,
      ...(coveringApproval ? { approvalId: coveringApproval } : {}),
    });
  }

  /**
   * Hook contexts made once per plugin and workspace, and made again when what they hold changes: the workspace's
   * config of the plugin (the host hands out the same object until it changes), the plugin's manifest (a reload) or
   * the workspace's slug. A hook runs on every call, so its context must not cost a logger, a store and a dozen
   * closures each time (issue 17).
   */
  const hookContexts = new Map<string, { manifest: PluginManifest; ctx: Readonly<HookContext> }>();

  /** The context a hook of `pluginId` receives for a workspace. */
  async function hookContext(pluginId: string, workspace: WorkspaceRef): Promise<HookContext> {
    const manifest = registry.plugin(pluginId)?.manifest;
    if (!manifest) throw hostErrors.create('NH_PLUGIN_NOT_FOUND', `no plugin ${pluginId} is loaded`);
    const config = await workspaces.getConfig(workspace.id, pluginId);
    const key = `${workspace.id}\u0000${pluginId}`;
    const hit = hookContexts.get(key);
    if (hit && hit.manifest === manifest && hit.ctx.config === config && hit.ctx.workspace.slug === workspace.slug) return hit.ctx;
    const declared = new Set(manifest.secrets.map((s) => s.name));
    const ws = Object.freeze({ id: workspace.id, slug: workspace.slug });
    const ctx: HookContext = Object.freeze({
      workspace: ws,
      config,
      secrets: {
        get: async (name: string) => {
          if (!declared.has(name)) throw undeclaredSecret(pluginId, name);
          return workspaces.getSecret(workspace.id, pluginId, name);
        },
      },
      logger: logger.child({ plugin: pluginId }),
      callTool: (target: string, input: unknown, options?: CallToolOptions) =>
        nestedCall(manifest, ws, { type: 'system', id: `plugin:${pluginId}` }, `hook:${pluginId}`, target, input, options),
      store: workspaces.store(workspace.id, pluginId),
    });
    hookContexts.set(key, { manifest, ctx });
    return ctx;
  }

  return { nestedCall, memoryAccess, memoryFor, hookContext };
}
