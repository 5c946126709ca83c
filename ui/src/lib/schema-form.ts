/** Form fields generated from a JSON Schema (a tool's input or a plugin's config), and back. */

export type FieldKind = 'text' | 'textarea' | 'number' | 'integer' | 'boolean' | 'select' | 'list' | 'json';

export interface Field {
  name: string;
  label: string;
  description: string;
  kind: FieldKind;
  required: boolean;
  options: string[];
  /** The schema's default, as the form shows it. */
  initial: string;
  format?: string;
}

type Schema = {
  type?: string | string[];
  properties?: Record<string, Schema>;
  required?: string[];
  enum?: unknown[];
  items?: Schema;
  default?: unknown;
  description?: string;
  title?: string;
  maxLength?: number;
  format?: string;
};

export const FIELD_PREFIX = 'f.';
const LONG_TEXT = /^(text|html|content|body|copy|markdown|prompt|message|template)$/i;

const typeOf = (s: Schema) => (Array.isArray(s.type) ? s.type.find((t) => t !== 'null') : s.type);

const humanize = (name: string) =>
  name
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .replace(/[_-]+/g, ' ')
    .replace(/^./, (c) => c.toUpperCase());

function kindOf(name: string, s: Schema): FieldKind {
  const type = typeOf(s);
  if (Array.isArray(s.enum) && s.enum.every((v) => typeof v === 'string')) return 'select';
  if (type === 'string') return (s.maxLength ?? 0) > 300 || LONG_TEXT.test(name) ? 'textarea' : 'text';
  if (type === 'integer') return 'integer';
  if (type === 'number') return 'number';
  if (type === 'boolean') return 'boolean';
  if (type === 'array' && s.items && ['string', 'number', 'integer'].includes(typeOf(s.items) ?? '')) return 'list';
  return 'json';
}

function initialOf(kind: FieldKind, value: unknown): string {
  if (value === undefined) return '';
  if (kind === 'list' && Array.isArray(value)) return value.join('\n');
  if (kind === 'json') return JSON.stringify(value, null, 2);
  return String(value);
}

/** One field per top-level property; `raw` when the schema is not an object with properties (edit it as JSON). */
export function fieldsFromSchema(schema: unknown, values: Record<string, unknown> = {}): { fields: Field[]; raw: boolean } {
  const s = (schema ?? {}) as Schema;
  if (typeOf(s) !== 'object' && !s.properties) return { fields: [], raw: true };
  const required = new Set(s.required ?? []);
  const fields = Object.entries(s.properties ?? {}).map(([name, prop]): Field => {
    const kind = kindOf(name, prop);
    return {
      name,
      label: prop.title ?? humanize(name),
      description: prop.description ?? '',
      kind,
      required: required.has(name),
      options: kind === 'select' ? (prop.enum as string[]) : [],
      initial: initialOf(kind, values[name] ?? prop.default),
      ...(prop.format ? { format: prop.format } : {}),
    };
  });
  return { fields, raw: false };
}

/** Reads the generated fields back into a value; problems by field name (the API validates again). */
export function valuesFromForm(fields: Field[], form: FormData): { value: Record<string, unknown>; errors: Record<string, string> } {
  const value: Record<string, unknown> = {};
  const errors: Record<string, string> = {};
  for (const f of fields) {
    const raw = form.get(FIELD_PREFIX + f.name);
    const text = typeof raw === 'string' ? raw.trim() : '';
    if (f.kind === 'boolean') {
      value[f.name] = raw === 'on' || raw === 'true';
      continue;
    }
    if (text === '') {
      if (f.required) errors[f.name] = `${f.label} is required`;
      continue;
    }
    switch (f.kind) {
      case 'number':
      case 'integer': {
        const n = Number(text);
        if (!Number.isFinite(n) || (f.kind === 'integer' && !Number.isInteger(n)))
          errors[f.name] = `${f.label} must be ${f.kind === 'integer' ? 'a whole number' : 'a number'}`;
        else value[f.name] = n;
        break;
      }
      case 'list':
        value[f.name] = text
          .split('\n')
          .map((l) => l.trim())
          .filter(Boolean);
        break;
      case 'json':
        try {
          value[f.name] = JSON.parse(text);
        } catch {
          errors[f.name] = `${f.label} must be valid JSON`;
        }
        break;
      default:
        value[f.name] = text;
    }
  }
  return { value, errors };
}

/** The submitted values as strings, to refill the form after an error. */
export function echo(fields: Field[], form: FormData): Record<string, string> {
  return Object.fromEntries(fields.map((f) => [f.name, String(form.get(FIELD_PREFIX + f.name) ?? '')]));
}
