import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { PluginManifestSchema } from '@neonhub/schemas';
import { describe, expect, it } from 'vitest';
import { memoryToolDefinitions, memoryTools } from '../src/tools.js';

const manifestPath = fileURLToPath(new URL('../plugin.json', import.meta.url));
const raw = JSON.parse(readFileSync(manifestPath, 'utf8')) as unknown;

describe('plugin.json', () => {
  it('is a valid capability manifest with the stdio runtime', () => {
    const manifest = PluginManifestSchema.parse(raw);
    expect(manifest).toMatchObject({ id: 'memory', kind: 'capability', host: '^0.2.0' });
    // the host hands agents ctx.memory from the plugin that provides the memory contract (found by manifest, not id)
    expect(manifest.provides).toEqual(['memory']);
    expect(manifest.runtime).toEqual({
      type: 'mcp-stdio',
      command: 'node',
      args: ['--import', 'tsx', 'src/main.ts'],
      env: expect.arrayContaining([
        'NEONHUB_MEMORY_DATA_DIR',
        'DATABASE_URL',
        'NEONHUB_EMBEDDER',
        'OPENAI_API_KEY',
        'OPENAI_BASE_URL',
        'OLLAMA_HOST',
      ]),
    });
    // the host names the workspace of every call: a mounted server is never pinned to one
    expect(manifest.runtime.type === 'mcp-stdio' && manifest.runtime.env).not.toContain('NEONHUB_WORKSPACE');
    const pkg = JSON.parse(readFileSync(fileURLToPath(new URL('../package.json', import.meta.url)), 'utf8')) as { version: string };
    expect(manifest.version).toBe(pkg.version);
  });

  it('declares exactly the tools the code defines (regenerate with `npx tsx scripts/print-tools.ts --write`)', () => {
    expect((raw as { tools: unknown }).tools).toEqual(memoryToolDefinitions());
  });

  it('marks searches read-only and gives every tool a real description', () => {
    for (const t of memoryTools) {
      expect(t.description.length).toBeGreaterThanOrEqual(20);
      expect(t.annotations.readOnlyHint).toBe(t.sideEffect === 'read');
    }
    const byName = Object.fromEntries(memoryTools.map((t) => [t.name, t]));
    expect(byName.memory_search?.annotations.readOnlyHint).toBe(true);
    expect(byName.memory_delete_document?.annotations.destructiveHint).toBe(true);
    expect(byName.memory_ingest?.annotations.readOnlyHint).toBe(false);
  });
});
