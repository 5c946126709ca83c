/**
 * Merge fields: `{{first_name}}`, with an inline fallback `{{first_name | there}}`. Names are letters, digits and
 * `_`. A value comes from the recipient's fields, then the inline fallback, then the template defaults; a field with
 * none of these is missing and renders as ''. One implementation for the e-mail agent (what is sent) and the
 * console's approval preview (what the approver sees), so the preview is what the recipient gets.
 */
const FIELD = /\{\{\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*(?:\|\s*([^}]*?)\s*)?\}\}/g;

export interface MergeResult {
  text: string;
  /** Fields that had no value, in first-use order. */
  missing: string[];
}

/** Field names a template uses, in first-use order. */
export function fieldsOf(...templates: string[]): string[] {
  const out = new Set<string>();
  for (const t of templates) for (const m of t.matchAll(FIELD)) out.add(m[1]!);
  return [...out];
}

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
export const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]!);

/** The template with each field filled for one recipient; `html` escapes the values (not the template). */
export function mergeFields(
  template: string,
  fields: Record<string, string>,
  defaults: Record<string, string> = {},
  opts: { html?: boolean } = {},
): MergeResult {
  const missing = new Set<string>();
  const text = template.replace(FIELD, (_m, name: string, fallback: string | undefined) => {
    const own = fields[name];
    const value = own !== undefined && own.trim() !== '' ? own : fallback !== undefined && fallback !== '' ? fallback : defaults[name];
    if (value === undefined) {
      missing.add(name);
      return '';
    }
    return opts.html ? escapeHtml(value) : value;
  });
  return { text, missing: [...missing] };
}
