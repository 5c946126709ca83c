import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PluginManifestSchema } from '@neonhub/schemas';
import { createMemoryStore, type PluginStore } from '@neonhub/sdk';
import { createHarness } from '@neonhub/sdk/testing';
import { createDataTrustPlugin } from '../src/index.js';

export const manifest = PluginManifestSchema.parse(JSON.parse(readFileSync(join(import.meta.dirname, '..', 'plugin.json'), 'utf8')));

/** A data-trust plugin on its own store, in a fresh workspace, with a fixed clock. */
export function setup(opts: { config?: Record<string, unknown>; store?: PluginStore; workspaceId?: string } = {}) {
  const store = opts.store ?? createMemoryStore();
  let t = Date.parse('2026-11-25T09:00:00Z');
  const plugin = createDataTrustPlugin({
    now: () => {
      t += 1000;
      return new Date(t);
    },
  });
  const workspace = { id: opts.workspaceId ?? randomUUID(), slug: 'acme' };
  const harness = createHarness(plugin, {
    manifest,
    store,
    workspace,
    config: opts.config ?? {},
    actor: { type: 'user', id: 'alice', role: 'admin' },
  });
  return { store, plugin, harness, workspace };
}
