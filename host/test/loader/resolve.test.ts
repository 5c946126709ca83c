import { describe, expect, it } from 'vitest';
import { hostErrors } from '../../src/errors.js';
import { resolveLoadOrder } from '../../src/plugins/resolve.js';
import { fakePlugin } from './helpers.js';

const ids = (r: ReturnType<typeof resolveLoadOrder>) => r.order.map((p) => p.id);
const errorOf = (r: ReturnType<typeof resolveLoadOrder>, id: string) => r.errors.find((e) => e.id === id)?.error;

describe('resolveLoadOrder', () => {
  it('orders a diamond dependencies-first, ties by id, whatever the input order', () => {
    // app -> (left, right) -> base
    const plugins = [
      fakePlugin('app', '1.0.0', { left: '^1.0.0', right: '^2.0.0' }),
      fakePlugin('right', '2.1.0', { base: '>=1.2.0' }),
      fakePlugin('left', '1.0.0', { base: '^1.0.0' }),
      fakePlugin('base', '1.2.3'),
      fakePlugin('alone', '0.1.0'),
    ];
    const r = resolveLoadOrder(plugins);
    expect(r.errors).toEqual([]);
    expect(ids(r)).toEqual(['alone', 'base', 'left', 'right', 'app']);
    expect(ids(resolveLoadOrder([...plugins].reverse()))).toEqual(ids(r));
  });

  it('excludes a plugin whose dependency is missing, and its dependents with the reason', () => {
    const r = resolveLoadOrder([
      fakePlugin('seo', '1.0.0', { 'data-trust': '^1.0.0' }),
      fakePlugin('campaign', '1.0.0', { seo: '^1.0.0' }),
      fakePlugin('ok', '1.0.0'),
    ]);
    expect(ids(r)).toEqual(['ok']);
    expect(errorOf(r, 'seo')?.code).toBe('NH_PLUGIN_DEPENDENCY_MISSING');
    expect(errorOf(r, 'seo')?.message).toBe('plugin seo depends on data-trust ^1.0.0, which is not installed');
    expect(errorOf(r, 'campaign')?.code).toBe('NH_PLUGIN_DEPENDENCY_FAILED');
    expect(errorOf(r, 'campaign')?.message).toContain('depends on seo, which cannot load: plugin seo depends on data-trust');
  });

  it('excludes a plugin whose dependency is outside the range', () => {
    const r = resolveLoadOrder([fakePlugin('seo', '1.0.0', { memory: '^2.0.0' }), fakePlugin('memory', '1.4.0')]);
    expect(ids(r)).toEqual(['memory']);
    expect(errorOf(r, 'seo')?.code).toBe('NH_PLUGIN_DEPENDENCY_VERSION');
    expect(errorOf(r, 'seo')?.message).toBe('plugin seo needs memory ^2.0.0, but memory 1.4.0 is installed');
  });

  it('names a 3-node cycle and excludes its members and dependents', () => {
    const r = resolveLoadOrder([
      fakePlugin('aa', '1.0.0', { bb: '*' }),
      fakePlugin('bb', '1.0.0', { cc: '*' }),
      fakePlugin('cc', '1.0.0', { aa: '*' }),
      fakePlugin('dd', '1.0.0', { bb: '*' }),
      fakePlugin('ee', '1.0.0'),
    ]);
    expect(ids(r)).toEqual(['ee']);
    for (const id of ['aa', 'bb', 'cc']) {
      expect(errorOf(r, id)?.code).toBe('NH_PLUGIN_DEPENDENCY_CYCLE');
      expect(errorOf(r, id)?.message).toBe('plugins depend on each other in a cycle: aa -> bb -> cc -> aa');
    }
    expect(errorOf(r, 'dd')?.code).toBe('NH_PLUGIN_DEPENDENCY_FAILED');
  });

  it('says a dependency cannot load when it was excluded earlier (e.g. failed verification)', () => {
    const why = hostErrors.create('NH_PLUGIN_LOCK_MISMATCH', 'plugin memory: packed contents differ');
    const r = resolveLoadOrder([fakePlugin('seo', '1.0.0', { memory: '^1.0.0' })], { unavailable: { memory: why } });
    expect(errorOf(r, 'seo')?.code).toBe('NH_PLUGIN_DEPENDENCY_FAILED');
    expect(errorOf(r, 'seo')?.message).toContain('packed contents differ');
  });
});
