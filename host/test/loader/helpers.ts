import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { PluginManifest } from '@neonhub/schemas';
import { PluginManifestSchema } from '@neonhub/schemas';
import { afterEach } from 'vitest';
import type { DiscoveredPlugin } from '../../src/plugins/discover.js';

export const FIXTURES = fileURLToPath(new URL('../fixtures/', import.meta.url));
export const MODULE_FIXTURE = join(FIXTURES, 'module-plugin');

const made: string[] = [];
afterEach(async () => {
  await Promise.all(made.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

/** A fresh temp folder, removed after the test. */
export async function tempDir(prefix = 'nh-loader-'): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  made.push(dir);
  return dir;
}

/** Copies the module fixture plugin into `<root>/<name>` and returns its path. */
export async function copyModuleFixture(root: string, name = 'fixture-greeter'): Promise<string> {
  const dir = join(root, name);
  await cp(MODULE_FIXTURE, dir, { recursive: true });
  return dir;
}

/** An in-memory discovered plugin (no folder), for dependency resolution. */
export function fakePlugin(id: string, version: string, dependencies: Record<string, string> = {}): DiscoveredPlugin {
  const manifest: PluginManifest = PluginManifestSchema.parse({
    id,
    version,
    kind: 'capability',
    description: `fake ${id}`,
    host: '^0.2.0',
    runtime: { type: 'mcp-stdio', command: 'node' },
    dependencies,
  });
  return { id, dir: `/nowhere/${id}`, manifest, source: { type: 'workspace', path: `plugins/${id}` } };
}
