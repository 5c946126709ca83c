import fc from 'fast-check';
import { z } from 'zod';

type Json = Record<string, unknown>;

/** Strings that break naive handlers: NUL and control characters, traversal, huge, unicode, SQL-ish. */
export const nastyString = fc.oneof(
  fc.string(),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.constantFrom('\u0000', 'a\u0000b', '..', '../..', '%00', '%', '\\', "' or 1=1 --", 'null', 'undefined', '\uFFFF', '\uD800', ' '),
  fc.string({ minLength: 300, maxLength: 5000 }),
);

/** Any JSON at all (the body a confused or hostile client sends). */
export const garbage = fc.oneof(
  fc.jsonValue(),
  fc.anything().map((v) => JSON.parse(JSON.stringify(v ?? null) ?? 'null')),
  nastyString,
);

/** A fast-check arbitrary for the values a JSON Schema (2020-12, as zod emits it) describes. */
export function fromJsonSchema(schema: Json, depth = 0): fc.Arbitrary<unknown> {
  if (depth > 5) return fc.constant(null);
  if ('const' in schema) return fc.constant(schema.const);
  if (Array.isArray(schema.enum)) return fc.constantFrom(...(schema.enum as unknown[]));
  const union = (schema.anyOf ?? schema.oneOf) as Json[] | undefined;
  if (union?.length) return fc.oneof(...union.map((s) => fromJsonSchema(s, depth + 1)));
  if (Array.isArray(schema.allOf) && schema.allOf.length) return fromJsonSchema(schema.allOf[0] as Json, depth + 1);
  const type = Array.isArray(schema.type) ? (schema.type[0] as string) : (schema.type as string | undefined);
  switch (type) {
    case 'string':
      return stringOf(schema);
    case 'integer':
      return fc.integer({ min: num(schema.minimum, -1e6), max: num(schema.maximum, 1e6) });
    case 'number':
      return fc.double({ min: num(schema.minimum, -1e6), max: num(schema.maximum, 1e6), noNaN: true });
    case 'boolean':
      return fc.boolean();
    case 'null':
      return fc.constant(null);
    case 'array':
      return fc.array(schema.items ? fromJsonSchema(schema.items as Json, depth + 1) : fc.jsonValue(), {
        maxLength: Math.min(num(schema.maxItems, 5), 5),
        minLength: num(schema.minItems, 0),
      });
    case 'object': {
      const props = (schema.properties ?? {}) as Record<string, Json>;
      const required = new Set((schema.required ?? []) as string[]);
      const entries = Object.fromEntries(Object.entries(props).map(([k, s]) => [k, fromJsonSchema(s, depth + 1)]));
      if (Object.keys(props).length === 0) return fc.dictionary(fc.string({ maxLength: 10 }), fc.jsonValue(), { maxKeys: 4 });
      return fc.record(entries, { requiredKeys: [...required].filter((k) => k in props) });
    }
    default:
      return fc.jsonValue();
  }
}

const num = (v: unknown, d: number) => (typeof v === 'number' ? v : d);

function stringOf(schema: Json): fc.Arbitrary<string> {
  const min = num(schema.minLength, 0);
  const max = Math.max(min, Math.min(num(schema.maxLength, 40), 200));
  switch (schema.format) {
    case 'uuid':
      return fc.uuid({ version: 4 });
    case 'email':
      return fc.emailAddress().filter((e) => e.length <= 254);
    case 'date-time':
      return fc.date({ noInvalidDate: true, min: new Date(0), max: new Date(4e12) }).map((d) => d.toISOString());
  }
  if (typeof schema.pattern === 'string') {
    try {
      // stretched or cut to the length bounds (a filter would reject nearly every draw and never end)
      return fc
        .stringMatching(new RegExp(schema.pattern))
        .map((s) => (s.length > 0 && s.length < min ? s.repeat(Math.ceil(min / s.length)) : s).slice(0, Math.max(max, min)));
    } catch {
      // a pattern fast-check cannot generate from: plain strings
    }
  }
  return fc.string({ minLength: min, maxLength: max });
}

/** The arbitrary of a zod schema's input (what a client sends). */
export const fromZod = (schema: z.ZodType) => fromJsonSchema(z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as Json);
