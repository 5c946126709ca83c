import { describe, expect, it } from 'vitest';
import { FIELD_PREFIX, fieldsFromSchema, valuesFromForm } from './schema-form.js';

const schema = {
  type: 'object',
  required: ['text', 'count'],
  properties: {
    text: { type: 'string', description: 'The page copy' },
    title: { type: 'string' },
    count: { type: 'integer', default: 3 },
    ratio: { type: 'number' },
    strict: { type: 'boolean' },
    tone: { type: 'string', enum: ['formal', 'casual'] },
    keywords: { type: 'array', items: { type: 'string' }, default: ['a', 'b'] },
    extra: { type: 'object' },
  },
};

const form = (entries: Record<string, string>) => {
  const f = new FormData();
  for (const [k, v] of Object.entries(entries)) f.set(FIELD_PREFIX + k, v);
  return f;
};

describe('fieldsFromSchema', () => {
  it('maps each JSON Schema property to a form control with its default', () => {
    const { fields, raw } = fieldsFromSchema(schema);
    expect(raw).toBe(false);
    expect(fields.map((f) => [f.name, f.kind, f.required, f.initial])).toEqual([
      ['text', 'textarea', true, ''],
      ['title', 'text', false, ''],
      ['count', 'integer', true, '3'],
      ['ratio', 'number', false, ''],
      ['strict', 'boolean', false, ''],
      ['tone', 'select', false, ''],
      ['keywords', 'list', false, 'a\nb'],
      ['extra', 'json', false, ''],
    ]);
    expect(fields.find((f) => f.name === 'tone')?.options).toEqual(['formal', 'casual']);
  });

  it('falls back to raw JSON for a schema without properties', () => {
    expect(fieldsFromSchema({ type: 'string' }).raw).toBe(true);
  });
});

describe('valuesFromForm', () => {
  it('parses numbers, lists, booleans and JSON, and leaves empty optional fields out', () => {
    const { fields } = fieldsFromSchema(schema);
    const { value, errors } = valuesFromForm(
      fields,
      form({ text: ' Hello ', count: '4', ratio: '0.5', strict: 'on', keywords: 'x\n\n y ', extra: '{"a":1}', title: '' }),
    );
    expect(errors).toEqual({});
    expect(value).toEqual({ text: 'Hello', count: 4, ratio: 0.5, strict: true, keywords: ['x', 'y'], extra: { a: 1 } });
  });

  it('names each bad field', () => {
    const { fields } = fieldsFromSchema(schema);
    const { errors } = valuesFromForm(fields, form({ count: '1.5', extra: '{nope' }));
    expect(errors).toEqual({ text: 'Text is required', count: 'Count must be a whole number', extra: 'Extra must be valid JSON' });
  });
});
