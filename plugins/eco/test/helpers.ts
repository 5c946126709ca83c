import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PluginManifestSchema } from '@neonhub/schemas';
import { type AfterToolCallEvent, createMemoryStore, type PluginStore } from '@neonhub/sdk';
import { createHarness, type Harness, type HookEventInput } from '@neonhub/sdk/testing';
import { createEcoPlugin } from '../src/index.js';

export const manifest = PluginManifestSchema.parse(JSON.parse(readFileSync(join(import.meta.dirname, '..', 'plugin.json'), 'utf8')));

/** An eco plugin with a settable clock, on its own store. */
export function setup(opts: { config?: Record<string, unknown>; store?: PluginStore; workspaceId?: string } = {}) {
  const store = opts.store ?? createMemoryStore();
  const clock = { now: new Date('2026-11-25T10:00:00Z') };
  const plugin = createEcoPlugin({ now: () => clock.now });
  const workspace = { id: opts.workspaceId ?? randomUUID(), slug: 'acme' };
  const harness = createHarness(plugin, { manifest, store, workspace, config: opts.config ?? {} });
  return { store, plugin, harness, clock, workspace };
}

export const usage = (inputTokens: number, outputTokens: number, model: string, calls = 1) => ({
  calls,
  inputTokens,
  outputTokens,
  totalTokens: inputTokens + outputTokens,
  models: [model],
  offline: model.startsWith('offline/'),
});

/** Runs eco's afterToolCall for a call of another plugin's tool (the harness would otherwise name eco itself). */
export function afterCall(harness: Harness, event: HookEventInput<AfterToolCallEvent> = {}): Promise<void> {
  const tool = event.tool ?? 'agent-content:draft_post';
  return harness.hook('afterToolCall', { ...event, tool, plugin: event.plugin ?? tool.split(':')[0]! });
}
