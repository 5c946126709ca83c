import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { bootHost, lockRoot, makeRoot, removeRoot, runtimeFixtures, writePlugin } from './helpers.js';

/** A plugin whose module, when imported, leaves a marker file: proof that its code ran. */
function markerPlugin(marker: string) {
  return {
    'plugin.json': `${JSON.stringify(
      {
        id: 'marker',
        version: '1.0.0',
        kind: 'agent',
        description: 'Leaves a marker file when its code is imported',
        host: '^0.2.0',
        runtime: { type: 'module', entry: 'src/index.ts' },
        tools: [
          {
            name: 'hello',
            description: 'Says hello to the given name.',
            inputSchema: { type: 'object', properties: { name: { type: 'string' } }, required: ['name'], additionalProperties: false },
            outputSchema: { type: 'object', properties: { text: { type: 'string' } }, required: ['text'], additionalProperties: false },
            sideEffect: 'none',
          },
        ],
      },
      null,
      2,
    )}\n`,
    'package.json': JSON.stringify({ name: '@test/marker', version: '1.0.0', type: 'module' }),
    'src/index.ts': `import { writeFileSync } from 'node:fs';
import { definePlugin, defineTool } from '@neonhub/sdk';
import { z } from 'zod';
// comment: x
writeFileSync(${JSON.stringify(marker)}, 'imported');
export default definePlugin({
  id: 'marker',
  tools: [
    defineTool({
      name: 'hello',
      description: 'Says hello to the given name.',
      input: z.strictObject({ name: z.string() }),
      output: z.strictObject({ text: z.string() }),
      sideEffect: 'none',
      run: ({ name }) => ({ text: 'hello ' + name }),
    }),
  ],
});
`,
  };
}

const roots: string[] = [];
afterAll(() => roots.forEach(removeRoot));

async function setup(name: string) {
  const root = makeRoot(name, [{ from: join(runtimeFixtures, 'rt-other') }]);
  roots.push(root);
  const marker = join(root, 'IMPORTED');
  writePlugin(root, 'marker', markerPlugin(marker));
  await lockRoot(root);
  return { root, marker, dir: join(root, 'plugins/marker') };
}

describe('the host refuses a plugin that differs from plugins.lock.json before any of its code runs', () => {
  it('control: an untouched plugin loads, and loading it does leave the marker', async () => {
    const { root, marker } = await setup('tamper-control');
    const host = await bootHost(root);
    try {
      expect(host.problems).toEqual([]);
      expect(existsSync(marker)).toBe(true);
    } finally {
      await host.close();
    }
  }, 60_000);

  it('one byte changed in a packed file: NH_PLUGIN_LOCK_MISMATCH, no code ran, the other plugins serve', async () => {
    const { root, marker, dir } = await setup('tamper-byte');
    const file = join(dir, 'src/index.ts');
    writeFileSync(file, readFileSync(file, 'utf8').replace('// comment: x', '// comment: y'));
    const host = await bootHost(root);
    try {
      expect(host.problems.map((p) => [p.id, p.error.code])).toEqual([['marker', 'NH_PLUGIN_LOCK_MISMATCH']]);
      expect(host.problems[0]!.error.message).toContain('marker');
      expect(existsSync(marker)).toBe(false);
      expect(host.registry.plugin('marker')).toBeUndefined();
      await host.storage.service.createWorkspace({ slug: 'acme' });
      await host.storage.service.enablePlugin('acme', 'rt-other');
      const r = await host.callTool({ workspace: 'acme', tool: 'rt-other:ping', input: { n: 1 }, actor: { type: 'system', id: 'test' } });
      expect(r).toMatchObject({ status: 'ok', output: { pong: 1 } });
    } finally {
      await host.close();
    }
  }, 60_000);

  it('one character changed in a tool description: NH_PLUGIN_TOOL_CHANGED naming the tool, no code ran', async () => {
    const { root, marker, dir } = await setup('tamper-description');
    const file = join(dir, 'plugin.json');
    writeFileSync(file, readFileSync(file, 'utf8').replace('Says hello to the given name.', 'Says hello to the given name!'));
    const host = await bootHost(root);
    try {
      expect(host.problems.map((p) => [p.id, p.error.code])).toEqual([['marker', 'NH_PLUGIN_TOOL_CHANGED']]);
      expect(host.problems[0]!.error.message).toMatch(/hello.*description/);
      expect(existsSync(marker)).toBe(false);
    } finally {
      await host.close();
    }
  }, 60_000);
});
