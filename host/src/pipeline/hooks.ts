import type { AfterToolCallEvent, HookContext, HookDecision, PluginHooks, ToolCallEvent } from '@neonhub/sdk';
import type { Logger } from 'pino';
import { hostErrors } from '../errors.js';

export interface RegisteredHooks {
  pluginId: string;
  /** Per event: lower runs first; ties broken by plugin id. */
  priority: { beforeToolCall?: number; afterToolCall?: number };
  hooks: PluginHooks;
  /** The hook's context for the workspace of a call (its own config and secrets there). */
  context(workspace: { id: string; slug: string }): Promise<HookContext>;
}

/** Told when a plugin's afterToolCall hook fails, and when it succeeds again after failing. */
export interface AfterHookWatcher {
  failed(pluginId: string, tool: string, err: unknown): void;
  recovered(pluginId: string): void;
}

/** Whether a hook's plugin is enabled in the call's workspace: usually known at once (then nothing is awaited). */
export type HookActive = (pluginId: string) => boolean | Promise<boolean>;

export type BeforeOutcome = { action: 'allow' } | ({ pluginId: string } & Exclude<HookDecision, { action: 'allow' }>);

/**
 * The hook chain: `beforeToolCall` hooks run in a deterministic order (priority, then plugin id);
 * the first deny or approval stops the chain. A throwing before-hook fails the call closed.
 * `afterToolCall` hooks all run in the same order; a throwing after-hook is logged, never hides the result.
 */
export function createHookChain(logger: Logger, watcher?: AfterHookWatcher) {
  /** Plugins whose last afterToolCall failed (so a success is reported once as a recovery). */
  const failing = new Set<string>();
  let entries: RegisteredHooks[] = [];
  const ordered = (event: 'beforeToolCall' | 'afterToolCall') =>
    entries
      .filter((e) => typeof e.hooks[event] === 'function')
      .sort(
        (a, b) =>
          (a.priority[event] ?? 500) - (b.priority[event] ?? 500) || (a.pluginId < b.pluginId ? -1 : a.pluginId > b.pluginId ? 1 : 0),
      );
  let before: RegisteredHooks[] = [];
  let after: RegisteredHooks[] = [];
  const rebuild = () => {
    before = ordered('beforeToolCall');
    after = ordered('afterToolCall');
  };

  return {
    register(entry: RegisteredHooks) {
      entries = [...entries.filter((e) => e.pluginId !== entry.pluginId), entry];
      rebuild();
    },
    unregister(pluginId: string) {
      entries = entries.filter((e) => e.pluginId !== pluginId);
      rebuild();
    },
    /** Plugin ids in the order their before-hooks run. */
    order(event: 'beforeToolCall' | 'afterToolCall'): string[] {
      return (event === 'beforeToolCall' ? before : after).map((e) => e.pluginId);
    },
    async runBefore(event: ToolCallEvent, active: HookActive): Promise<BeforeOutcome> {
      for (const entry of before) {
        const on = active(entry.pluginId);
        if (!(on === true || (on !== false && (await on)))) continue;
        let decision: HookDecision | undefined | void;
        try {
          decision = await entry.hooks.beforeToolCall!(event, await entry.context(event.workspace));
        } catch (cause) {
          throw hostErrors.create('NH_HOOK_FAILED', `the beforeToolCall hook of ${entry.pluginId} failed, so the call was refused`, {
            cause,
            details: { plugin: entry.pluginId, message: cause instanceof Error ? cause.message : String(cause) },
          });
        }
        if (decision && decision.action !== 'allow') return { ...decision, pluginId: entry.pluginId };
      }
      return { action: 'allow' };
    },
    async runAfter(event: AfterToolCallEvent, active: HookActive): Promise<void> {
      for (const entry of after) {
        const on = active(entry.pluginId);
        if (!(on === true || (on !== false && (await on)))) continue;
        try {
          await entry.hooks.afterToolCall!(event, await entry.context(event.workspace));
          if (failing.delete(entry.pluginId)) watcher?.recovered(entry.pluginId);
        } catch (err) {
          logger.error({ err, plugin: entry.pluginId, tool: event.tool }, 'afterToolCall hook failed');
          failing.add(entry.pluginId);
          watcher?.failed(entry.pluginId, event.tool, err);
        }
      }
    },
  };
}

export type HookChain = ReturnType<typeof createHookChain>;
