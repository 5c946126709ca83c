import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { compileSchema } from './index.js';

describe('the one JSON Schema validator', () => {
  it('enforces the 2020-12 keywords zod emits (prefixItems, dependentRequired)', () => {
    const tuple = compileSchema(z.toJSONSchema(z.tuple([z.string(), z.number()])) as Record<string, unknown>);
    expect(tuple(['a', 1])).toEqual({ ok: true, value: ['a', 1] });
    expect(tuple([1, 'a'])).toMatchObject({ ok: false, issues: [{ path: '/0' }, { path: '/1' }] });

    const billing = compileSchema({
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      type: 'object',
      properties: { card: { type: 'string' }, address: { type: 'string' } },
      dependentRequired: { card: ['address'] },
    });
    expect(billing({ card: '4242' })).toMatchObject({ ok: false, issues: [{ path: '/', message: expect.stringContaining('address') }] });
    expect(billing({ card: '4242', address: 'x' }).ok).toBe(true);
  });

  it('honours a draft-07 schema as draft-07 (array-form items is a tuple there)', () => {
    const v = compileSchema({
      $schema: 'http://json-schema.org/draft-07/schema#',
      type: 'array',
      items: [{ type: 'string' }],
      additionalItems: false,
    });
    expect(v(['a']).ok).toBe(true);
    expect(v(['a', 'b'])).toMatchObject({ ok: false });
  });

  it('checks formats, names unknown and missing properties, and fills defaults on a copy', () => {
    const schema = {
      type: 'object',
      properties: { to: { type: 'string', format: 'email' }, n: { type: 'integer', default: 3 } },
      required: ['to'],
      additionalProperties: false,
    };
    expect(compileSchema(schema)({ to: 'nope' })).toMatchObject({
      ok: false,
      issues: [{ path: '/to', message: 'must match format "email"' }],
    });
    expect(compileSchema(schema)({ x: 1 })).toEqual({
      ok: false,
      issues: [
        { path: '/', message: 'missing property to' },
        { path: '/', message: 'unknown property x' },
      ],
    });
    const input = { to: 'a@b.co' };
    expect(compileSchema(schema, { useDefaults: true })(input)).toEqual({ ok: true, value: { to: 'a@b.co', n: 3 } });
    expect(input).toEqual({ to: 'a@b.co' });
  });

  it('throws on a schema that does not compile', () => {
    expect(() => compileSchema({ type: 'object', properties: { a: { type: 'nonsense' } } })).toThrow();
  });
});
