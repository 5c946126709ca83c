import type { LanguageModelV3FunctionTool, LanguageModelV3ToolChoice } from '@ai-sdk/provider';
import type { PromptFacts } from './analyze.js';
import { keywordStems, toolNameStems, truncateWords } from './text.js';

export interface ToolPick {
  tool: LanguageModelV3FunctionTool;
  score: number;
}

/** At most this many tool calls in one step. */
export const MAX_OFFLINE_TOOL_CALLS = 3;

/**
 * The offline model's rule for calling tools: a tool matches when a word of its name
 * (split on `_`, `-`, `:` and camelCase, stemmed) appears in the task, or when two words of
 * its description do. Name words weigh 3, description words 1. Best scores first, ties by name.
 */
export function pickTools(task: string, tools: LanguageModelV3FunctionTool[], choice?: LanguageModelV3ToolChoice): ToolPick[] {
  if (tools.length === 0 || choice?.type === 'none') return [];
  if (choice?.type === 'tool') {
    const forced = tools.find((t) => t.name === choice.toolName);
    return forced ? [{ tool: forced, score: 0 }] : [];
  }
  const asked = keywordStems(task);
  const scored: ToolPick[] = [];
  for (const tool of tools) {
    const nameHits = [...toolNameStems(tool.name)].filter((s) => asked.has(s)).length;
    const descHits = [...keywordStems(tool.description ?? '', 4)].filter((s) => asked.has(s)).length;
    if (nameHits >= 1 || descHits >= 2) scored.push({ tool, score: nameHits * 3 + descHits });
  }
  scored.sort((a, b) => b.score - a.score || (a.tool.name < b.tool.name ? -1 : a.tool.name > b.tool.name ? 1 : 0));
  if (scored.length === 0 && choice?.type === 'required') {
    const first = [...tools].sort((a, b) => (a.name < b.name ? -1 : 1))[0];
    return first ? [{ tool: first, score: 0 }] : [];
  }
  return scored.slice(0, MAX_OFFLINE_TOOL_CALLS);
}

type Schema = Record<string, unknown>;

const TEXT_NAMES = /^(text|content|body|message|prompt|input|brief|description|copy|draft)$/i;
const URL_NAMES = /(url|uri|link|href|website|site|page)$/i;
const EMAIL_NAMES = /(email|e_mail|mail|recipient|to)$/i;
const TOPIC_NAMES = /^(q|query|topic|subject|title|keyword|term|search|theme|headline)$/i;
const LIST_NAMES = /(keywords|tags|topics|terms|hashtags)$/i;

function firstType(s: Schema): string | undefined {
  if (typeof s.type === 'string') return s.type;
  if (Array.isArray(s.type)) return s.type.find((t) => t !== 'null') as string | undefined;
  for (const key of ['anyOf', 'oneOf'] as const) {
    const options = s[key];
    if (Array.isArray(options)) {
      for (const o of options) {
        const t = firstType(o as Schema);
        if (t && t !== 'null') return t;
      }
    }
  }
  if (s.properties) return 'object';
  return undefined;
}

/** A value for one property: `found` is true when it came from the task rather than a placeholder. */
function valueFor(name: string, s: Schema, f: PromptFacts): { value: unknown; found: boolean } | undefined {
  if (s.const !== undefined) return { value: s.const, found: true };
  if (Array.isArray(s.enum) && s.enum.length > 0) {
    const inTask = s.enum.find((v) => typeof v === 'string' && f.task.toLowerCase().includes(v.toLowerCase()));
    return { value: inTask ?? s.default ?? s.enum[0], found: inTask !== undefined };
  }
  const type = firstType(s);
  switch (type) {
    case 'string': {
      const maxLength = typeof s.maxLength === 'number' ? s.maxLength : 2000;
      const fit = (v: string) => v.slice(0, maxLength);
      if (s.format === 'uri' || s.format === 'url' || URL_NAMES.test(name)) {
        return f.urls[0] ? { value: fit(f.urls[0]), found: true } : { value: 'https://example.com/', found: false };
      }
      if (s.format === 'email' || EMAIL_NAMES.test(name)) {
        return f.emails[0] ? { value: fit(f.emails[0]), found: true } : { value: 'someone@example.com', found: false };
      }
      if (s.format === 'date' || /date$/i.test(name)) {
        return f.dates[0] ? { value: f.dates[0], found: true } : { value: '1970-01-01', found: false };
      }
      if (typeof s.default === 'string') return { value: s.default, found: false };
      if (TEXT_NAMES.test(name)) return { value: fit(f.task.trim()), found: true };
      return { value: fit(truncateWords(f.topic, maxLength)), found: TOPIC_NAMES.test(name) };
    }
    case 'integer':
    case 'number': {
      const min = typeof s.minimum === 'number' ? s.minimum : Number.NEGATIVE_INFINITY;
      const max = typeof s.maximum === 'number' ? s.maximum : Number.POSITIVE_INFINITY;
      const fromTask = f.numbers.find((n) => n >= min && n <= max && (type === 'number' || Number.isInteger(n)));
      if (fromTask !== undefined) return { value: fromTask, found: true };
      if (typeof s.default === 'number') return { value: s.default, found: false };
      return { value: Number.isFinite(min) ? min : 1, found: false };
    }
    case 'boolean':
      return { value: typeof s.default === 'boolean' ? s.default : false, found: false };
    case 'array': {
      const items = (s.items ?? {}) as Schema;
      if (firstType(items) === 'string' && LIST_NAMES.test(name)) {
        const terms = [...new Set(f.topic.toLowerCase().match(/[a-z0-9]{4,}/g) ?? [])].slice(0, 5);
        return { value: terms.length > 0 ? terms : [f.topic], found: true };
      }
      return { value: [], found: false };
    }
    case 'object':
      return { value: buildToolInput(s, f), found: false };
    default:
      return undefined;
  }
}

/** Arguments for a tool, from its JSON Schema: every required property, plus those the task supplies. */
export function buildToolInput(schema: Schema, f: PromptFacts): Record<string, unknown> {
  const properties = (schema.properties ?? {}) as Record<string, Schema>;
  const required = new Set(Array.isArray(schema.required) ? (schema.required as string[]) : []);
  const input: Record<string, unknown> = {};
  for (const [name, propSchema] of Object.entries(properties)) {
    const v = valueFor(name, propSchema, f);
    if (v === undefined) continue;
    if (required.has(name) || (v.found && v.value !== undefined)) input[name] = v.value;
  }
  return input;
}
