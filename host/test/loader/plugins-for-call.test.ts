import { PluginManifestSchema } from '@neonhub/schemas';
import { describe, expect, it } from 'vitest';
import { pluginsForCall } from '../../src/plugin-loading.js';
import type { DiscoveredPlugin } from '../../src/plugins/index.js';

const plugin = (id: string, extra: Record<string, unknown> = {}): DiscoveredPlugin => ({
  id,
  dir: `/plugins/${id}`,
  source: { type: 'workspace', path: `plugins/${id}` },
  manifest: PluginManifestSchema.parse({
    id,
    version: '1.0.0',
    kind: 'agent',
    description: `plugin ${id}`,
    host: '^0.2.0',
    runtime: { type: 'module', entry: 'src/index.ts' },
    hooks: [],
    tools: [{ name: 'x', description: 'a tool', inputSchema: { type: 'object' }, sideEffect: 'none' }],
    ...extra,
  }),
});

describe('pluginsForCall: what `neonhub call` loads', () => {
  const all = [
    plugin('email', { dependencies: { connector: '^1.0.0' } }),
    plugin('connector'),
    plugin('seo'),
    plugin('memory'),
    plugin('policy', { hooks: [{ event: 'beforeToolCall' }], calls: ['*'], dependencies: { audit: '^1.0.0' } }),
    plugin('audit', { hooks: [{ event: 'afterToolCall' }] }),
    plugin('bridge', { calls: ['memory:*'] }),
  ];

  it('the target, its dependencies and every hook plugin (with theirs), not the rest', () => {
    expect(pluginsForCall(all, 'email').sort()).toEqual(['audit', 'connector', 'email', 'policy']);
    expect(pluginsForCall(all, 'seo').sort()).toEqual(['audit', 'policy', 'seo']);
  });

  it("follows the target's calls patterns; a hook plugin's own patterns only when it is the target", () => {
    expect(pluginsForCall(all, 'bridge').sort()).toEqual(['audit', 'bridge', 'memory', 'policy']);
    expect(pluginsForCall(all, 'policy').sort()).toEqual(all.map((p) => p.id).sort());
  });
});
