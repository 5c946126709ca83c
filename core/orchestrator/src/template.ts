import { runErrors } from './errors.js';

/** `{{steps.<id>.output}}` or `{{steps.<id>.output.<path>}}`; path segments are keys or array indexes. */
const REF = /\{\{\s*steps\.([a-z][a-z0-9_-]*)\.output((?:\.[A-Za-z0-9_-]+)*)\s*\}\}/g;
const WHOLE = /^\{\{\s*steps\.([a-z][a-z0-9_-]*)\.output((?:\.[A-Za-z0-9_-]+)*)\s*\}\}$/;

export interface TemplateRef {
  step: string;
  path: string[];
}

/** Every step reference in a value (strings anywhere inside objects and arrays). */
export function findRefs(value: unknown, out: TemplateRef[] = []): TemplateRef[] {
  if (typeof value === 'string') {
    for (const m of value.matchAll(REF)) out.push({ step: m[1]!, path: splitPath(m[2]!) });
  } else if (Array.isArray(value)) {
    for (const v of value) findRefs(v, out);
  } else if (value && typeof value === 'object') {
    for (const v of Object.values(value)) findRefs(v, out);
  }
  return out;
}

/**
 * The ids of the steps whose outputs a step's input references, once each (stored with the step: a claim, or a
 * carried job, hands it exactly these outputs; validation has checked each is an ancestor).
 */
export const referencedSteps = (input: unknown): string[] => [...new Set(findRefs(input).map((r) => r.step))];

/** Whether a string holds a reference (plan validation skips schema errors at such values). */
export const isTemplate = (value: unknown): boolean => typeof value === 'string' && value.includes('{{') && findRefs(value).length > 0;

const splitPath = (p: string) => (p ? p.slice(1).split('.') : []);

function lookup(outputs: Record<string, unknown>, ref: TemplateRef): unknown {
  if (!Object.hasOwn(outputs, ref.step))
    throw runErrors.create(
      'NH_RUN_TEMPLATE_UNRESOLVED',
      `{{steps.${ref.step}.output}} has no value: no output of step ${ref.step} was given`,
      {
        details: { step: ref.step, path: ref.path.join('.') },
      },
    );
  let cur: unknown = outputs[ref.step];
  for (const key of ref.path) {
    if (cur === null || typeof cur !== 'object' || !(key in (cur as object))) {
      throw runErrors.create(
        'NH_RUN_TEMPLATE_UNRESOLVED',
        `{{steps.${ref.step}.output.${ref.path.join('.')}}} has no value: step ${ref.step} output has no ${key}`,
        {
          details: { step: ref.step, path: ref.path.join('.') },
        },
      );
    }
    cur = (cur as Record<string, unknown>)[key];
  }
  return cur;
}

/**
 * Replaces references with earlier steps' outputs: a string that is exactly one reference becomes the
 * referenced value (any JSON type); references inside longer strings are interpolated as text.
 */
export function resolveTemplates(value: unknown, outputs: Record<string, unknown>): unknown {
  if (typeof value === 'string') {
    if (!value.includes('{{')) return value;
    const whole = WHOLE.exec(value);
    if (whole) return lookup(outputs, { step: whole[1]!, path: splitPath(whole[2]!) });
    return value.replace(REF, (_m, step: string, path: string) => {
      const v = lookup(outputs, { step, path: splitPath(path) });
      return typeof v === 'string' ? v : JSON.stringify(v);
    });
  }
  if (Array.isArray(value)) return value.map((v) => resolveTemplates(v, outputs));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, resolveTemplates(v, outputs)]));
  }
  return value;
}
