import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { definePlugin, defineTool } from './index.js';
import { createMemoryStore } from './memory-store.js';
import { createHarness } from './testing/harness.js';

/** A plugin whose tools try each store operation; `peek` declares `read`, `keep` declares `write`. */
const Op = z.object({ op: z.enum(['get', 'list', 'count', 'put', 'putIf-new', 'putIf-existing', 'delete', 'append']) });
const tryOp = async (op: z.infer<typeof Op>['op'], store: import('./types.js').PluginStore) => {
  switch (op) {
    case 'get':
      return { result: (await store.get('c', 'k'))?.value ?? null };
    case 'list':
      return { result: (await store.list('c')).length };
    case 'count':
      return { result: await store.count('c') };
    case 'put':
      return { result: await store.put('c', 'k', 'put') };
    case 'putIf-new':
      return { result: await store.putIf('c', 'fresh', 'made once', 0) };
    case 'putIf-existing':
      return { result: await store.putIf('c', 'k', 'changed', 1) };
    case 'delete':
      return { result: await store.delete('c', 'k') };
    case 'append':
      return { result: await store.append('log', 'entry') };
  }
};
const plugin = definePlugin({
  id: 'store-probe',
  tools: (['read', 'write'] as const).map((sideEffect) =>
    defineTool({
      name: sideEffect === 'read' ? 'peek' : 'keep',
      description: `tries a store operation (declares ${sideEffect})`,
      input: Op,
      output: z.object({ result: z.unknown() }),
      sideEffect,
      run: ({ op }, ctx) => tryOp(op, ctx.store),
    }),
  ),
});

describe('the store of a tool that declares no side effect', () => {
  it('passes reads and create-if-absent, refuses every other write with NH_SDK_STORE_READ_ONLY, writing nothing', async () => {
    const store = createMemoryStore();
    await store.put('c', 'k', 'original');
    const h = createHarness(plugin, { store });
    expect(await h.call('peek', { op: 'get' })).toEqual({ result: 'original' });
    expect(await h.call('peek', { op: 'list' })).toEqual({ result: 1 });
    expect(await h.call('peek', { op: 'count' })).toEqual({ result: 1 });
    // Create-if-absent: of two calls one writes, the other gets null (a duplicate run of the tool changes nothing).
    expect(await h.call('peek', { op: 'putIf-new' })).toEqual({ result: 1 });
    expect(await h.call('peek', { op: 'putIf-new' })).toEqual({ result: null });
    for (const op of ['put', 'putIf-existing', 'delete', 'append'] as const)
      await expect(h.call('peek', { op }), op).rejects.toMatchObject({
        code: 'NH_SDK_STORE_READ_ONLY',
        details: { tool: 'store-probe:peek' },
      });
    expect((await store.get('c', 'k'))?.value).toBe('original');
    expect(await store.count('log')).toBe(0);
  });

  it('leaves the store writable for a tool that declares write', async () => {
    const store = createMemoryStore();
    await store.put('c', 'k', 'original');
    const h = createHarness(plugin, { store });
    expect(await h.call('keep', { op: 'put' })).toEqual({ result: 2 });
    expect(await h.call('keep', { op: 'append' })).toMatchObject({ result: expect.any(Number) });
    expect(await h.call('keep', { op: 'delete' })).toEqual({ result: true });
  });
});
