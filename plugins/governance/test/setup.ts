import type { Actor } from '@neonhub/schemas';
import { type CallToolOptions, createMemoryStore, type PluginStore } from '@neonhub/sdk';
import { createHarness, type Harness } from '@neonhub/sdk/testing';
import { createGovernance } from '../src/index.js';

export const OWNER: Actor = { type: 'user', id: 'olivia', role: 'owner' };
export const MEMBER: Actor = { type: 'user', id: 'max', role: 'member' };
export const AGENT: Actor = { type: 'agent', id: 'agent-email', role: 'admin' };

/**
 * Governance over one in-memory store with a clock the test moves, and a harness per actor. `callTool` is the
 * stand-in for the host: each harness routes ctx.callTool to it.
 */
export function setup(opts: { callTool?: (tool: string, input: unknown, options?: CallToolOptions) => Promise<unknown> } = {}) {
  let now = new Date('2026-03-02T09:00:00.000Z');
  const clock = {
    now: () => now,
    set: (iso: string) => {
      now = new Date(iso);
    },
    advanceHours: (h: number) => {
      now = new Date(now.getTime() + h * 3_600_000);
    },
  };
  const plugin = createGovernance({ now: clock.now });
  const store: PluginStore = createMemoryStore();
  const workspace = { id: '7b0f3c52-58a4-4d43-9b0e-5f3f6a9b7e11', slug: 'acme' };
  const harnessFor = (actor: Actor): Harness =>
    createHarness(plugin, { store, workspace, actor, ...(opts.callTool ? { callTool: opts.callTool } : {}) });
  const owner = harnessFor(OWNER);
  return { plugin, store, clock, owner, member: harnessFor(MEMBER), agent: harnessFor(AGENT), harnessFor };
}

export const SEND = 'connector-email-sandbox:send';

export const emailInput = (to: string | string[], text = 'Spring sale: 20% off everything. Unsubscribe: https://acme.test/u') => ({
  to,
  subject: 'Spring sale',
  text,
});

/** A beforeToolCall event for `tool` as the host builds it. */
export const callEvent = (tool: string, input: unknown, extra: Record<string, unknown> = {}) => ({
  tool,
  plugin: tool.slice(0, tool.indexOf(':')),
  sideEffect: 'external' as const,
  input,
  actor: AGENT,
  ...extra,
});
