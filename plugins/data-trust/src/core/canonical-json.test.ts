import canonicalize from 'canonicalize';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalJsonText } from './canonical-json.js';

/** Both answers for `value`: the text, or the error's message when it throws. */
const outcome = (f: (v: unknown) => string | undefined, value: unknown) => {
  try {
    return { text: f(value) };
  } catch (err) {
    return { error: (err as Error).message };
  }
};

describe('canonicalJsonText writes exactly what the canonicalize package writes', () => {
  it('for generated JSON data (unicode strings and keys, numbers of every size, nesting)', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 6 }), (value) => {
        expect(canonicalJsonText(value)).toBe(canonicalize(value));
      }),
      { numRuns: 2000 },
    );
  });

  it('for generated JS values JSON cannot carry as they are (undefined, NaN, -0, dates, lone surrogates, holes)', () => {
    const sparse = [1, 2, 3];
    delete sparse[1]; // a hole, as in [1, , 3]
    const odd = fc.oneof(
      fc.constant(undefined),
      fc.constant(Number.NaN),
      fc.constant(Number.POSITIVE_INFINITY),
      fc.constant(-0),
      fc.date({ noInvalidDate: true }),
      fc.string({ unit: 'binary' }),
      fc.constant('\uD800'),
      fc.constant('a\uDC00b'),
      fc.constant('😀'),
      fc.constant(sparse),
      fc.constant({ toJSON: () => ({ b: 1, a: 2 }) }),
      fc.constant({ toJSON: 1 }),
      fc.constant(Object.assign(Object.create(null), { z: 1, a: [null] })),
      fc.constant(new Map([[1, 2]])),
      fc.constant(Symbol('s')),
    );
    const value = fc.letrec((tie) => ({
      node: fc.oneof({ depthSize: 'small' }, odd, fc.jsonValue({ maxDepth: 1 }), tie('array'), tie('object')),
      array: fc.array(tie('node'), { maxLength: 4 }),
      object: fc.dictionary(fc.string({ unit: 'binary', maxLength: 4 }), tie('node'), { maxKeys: 4 }),
    })).node;
    fc.assert(
      fc.property(value, (v) => {
        expect(outcome(canonicalJsonText, v)).toEqual(outcome(canonicalize, v));
      }),
      { numRuns: 2000 },
    );
  });

  it('for nesting deeper than the fast path goes, and refuses a cycle like the package', () => {
    let deep: unknown = { leaf: '✓' };
    for (let i = 0; i < 200; i++) deep = i % 2 ? [deep] : { [`k${i}`]: deep, a: i };
    expect(canonicalJsonText(deep)).toBe(canonicalize(deep));
    const cyclic: Record<string, unknown> = { a: 1 };
    cyclic.self = cyclic;
    expect(() => canonicalJsonText(cyclic)).toThrow('Circular reference detected');
  });

  it('sorts keys by UTF-16 code units and writes numbers in ECMAScript form (RFC 8785 examples)', () => {
    expect(
      canonicalJsonText({ '\u20ac': 'Euro Sign', '\r': 'Carriage Return', '\ufb33': 'Hebrew', '1': 'One', '\ud83d\ude00': 'Emoji' }),
    ).toBe('{"\\r":"Carriage Return","1":"One","\u20ac":"Euro Sign","\ud83d\ude00":"Emoji","\ufb33":"Hebrew"}');
    expect(canonicalJsonText([333333333.3333333, 1e30, 4.5, 2e-3, 0.000000000000000000000000001, -0])).toBe(
      '[333333333.3333333,1e+30,4.5,0.002,1e-27,0]',
    );
  });
});
