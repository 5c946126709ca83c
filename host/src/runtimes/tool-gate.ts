import type { ToolDefinition } from '@neonhub/schemas';
import type { Logger } from 'pino';
import { hostErrors } from '../errors.js';
import { toolNotFound } from './mcp-call.js';

/** Why an outside server's tools are listed again. */
export type ToolsCheckReason = 'start' | 'list_changed' | 'interval' | 'restart' | 'recheck';

/**
 * Judges a fresh listing of an outside server's tools (the host compares it with the lock):
 * returns the tools to quarantine, by name, with the reason. Called after every listing.
 */
export type ToolsCheck = (tools: ToolDefinition[], reason: ToolsCheckReason) => Promise<Record<string, string>> | Record<string, string>;

export interface ToolGateOptions {
  pluginId: string;
  check?: ToolsCheck;
  /** Told when a failed re-listing quarantines every tool (the host raises a notice). */
  onFailClosed?(tools: ToolDefinition[], reason: string): void;
  logger: Logger;
}

/**
 * The tools of an outside MCP server as last listed, and which of them are quarantined. A
 * re-listing (list_changed, the periodic re-list, a restart) holds every call until the listing
 * has been judged, so no call reaches a tool that changed after the host heard of the change.
 * A re-listing after list_changed or a restart that fails quarantines every tool (fail closed)
 * until one succeeds.
 */
export function createToolGate(opts: ToolGateOptions) {
  let tools: ToolDefinition[] = [];
  let names = new Set<string>();
  let quarantine = new Map<string, string>();
  let pending: Promise<void> | undefined;
  let queued: { reason: ToolsCheckReason; list: () => Promise<ToolDefinition[]> } | undefined;

  const judge = async (listed: ToolDefinition[], reason: ToolsCheckReason) => {
    const verdict = opts.check ? await opts.check(listed, reason) : {};
    tools = listed;
    names = new Set(listed.map((t) => t.name));
    quarantine = new Map(Object.entries(verdict));
  };

  const run = async (reason: ToolsCheckReason, list: () => Promise<ToolDefinition[]>) => {
    let listed: ToolDefinition[];
    try {
      listed = await list();
    } catch (err) {
      // The server said (or may have) changed its tools and cannot show them: fail closed. A failed
      // periodic re-list is a server that is down: its calls fail anyway, the last verdict stands.
      const changed = reason === 'list_changed' || reason === 'restart';
      opts.logger.warn(
        { plugin: opts.pluginId, err, reason },
        changed ? 'listing the tools again failed: every tool is quarantined until it succeeds' : 'listing the tools again failed',
      );
      if (changed) {
        const why = `its tools could not be listed again after ${reason}`;
        quarantine = new Map([...names].map((n) => [n, why]));
        opts.onFailClosed?.(tools, why);
      }
      return;
    }
    await judge(listed, reason);
  };

  /** One re-listing at a time; a request arriving meanwhile runs once more after it (the server changed again). */
  const refresh = (reason: ToolsCheckReason, list: () => Promise<ToolDefinition[]>): Promise<void> => {
    if (pending) {
      queued = { reason, list };
      return pending;
    }
    pending = (async () => {
      try {
        await run(reason, list);
        while (queued) {
          const next = queued;
          queued = undefined;
          await run(next.reason, next.list);
        }
      } finally {
        pending = undefined;
      }
    })();
    return pending;
  };

  return {
    /** The first listing, at start (a failure rejects: the plugin does not load). */
    async initial(list: () => Promise<ToolDefinition[]>): Promise<void> {
      await judge(await list(), 'start');
    },
    refresh,
    tools: () => tools,
    quarantined: (): ReadonlyMap<string, string> => quarantine,
    /** Waits for a re-listing in progress, then throws NH_TOOL_NOT_FOUND / NH_TOOL_QUARANTINED unless the tool may be called. */
    async admit(tool: string): Promise<void> {
      while (pending) await pending;
      if (!names.has(tool)) throw toolNotFound(opts.pluginId, tool);
      const reason = quarantine.get(tool);
      if (reason !== undefined)
        throw hostErrors.create(
          'NH_TOOL_QUARANTINED',
          `${opts.pluginId}:${tool} changed since it was locked: ${reason}. Review it and run \`neonhub plugin lock ${opts.pluginId}\``,
          { details: { tool: `${opts.pluginId}:${tool}`, plugin: opts.pluginId, reason } },
        );
    },
  };
}

export type ToolGate = ReturnType<typeof createToolGate>;
