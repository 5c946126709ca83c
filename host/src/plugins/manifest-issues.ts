import type { HostErrorCode } from '../errors.js';

/** One schema problem in a plugin.json, as reported in an error's details. */
export interface ManifestIssue {
  /** Where, e.g. `tools[1].name`; empty for the whole file. */
  path: string;
  message: string;
  /** The specific error code this problem maps to. */
  code: HostErrorCode;
}

/** The subset of a zod issue this mapping reads. */
interface ZodIssueLike {
  code: string;
  path: PropertyKey[];
  message: string;
  keys?: string[];
  /** invalid_key: the problems of the key itself. */
  issues?: { message: string }[];
}

/** Rewrites zod's generic wording where a plainer sentence exists. */
function describe(issue: ZodIssueLike, path: string): string {
  if (issue.code === 'invalid_type' && issue.message.endsWith('received undefined')) return `${path} is required`;
  if (issue.code === 'invalid_key') {
    const key = String(issue.path[issue.path.length - 1]);
    const parent = formatPath(issue.path.slice(0, -1));
    return `${parent}: key "${key}" is invalid${issue.issues?.[0] ? `: ${issue.issues[0].message}` : ''}`;
  }
  return path ? `${path}: ${issue.message}` : issue.message;
}

type Segment = string | number | '*';

/**
 * Zod issue -> error code, first match wins. `path` is a prefix ('*' matches any one
 * segment); `issue` restricts to one zod issue code. The `custom` issues at tools/secrets/hooks
 * come from the schema's duplicate checks (the only custom refinements at those paths).
 */
const RULES: { path: Segment[]; issue?: string; code: HostErrorCode }[] = [
  { path: ['tools', '*', 'name'], issue: 'custom', code: 'NH_MANIFEST_DUPLICATE_TOOL' },
  { path: ['secrets', '*', 'name'], issue: 'custom', code: 'NH_MANIFEST_DUPLICATE_SECRET' },
  { path: ['hooks', '*', 'event'], issue: 'custom', code: 'NH_MANIFEST_DUPLICATE_HOOK' },
  { path: ['id'], code: 'NH_MANIFEST_ID_INVALID' },
  { path: ['version'], code: 'NH_MANIFEST_VERSION_INVALID' },
  { path: ['kind'], code: 'NH_MANIFEST_KIND_INVALID' },
  { path: ['host'], code: 'NH_MANIFEST_HOST_RANGE' },
  { path: ['runtime'], code: 'NH_MANIFEST_RUNTIME_INVALID' },
  { path: ['tools'], code: 'NH_MANIFEST_TOOL_INVALID' },
  { path: ['secrets'], code: 'NH_MANIFEST_SECRET_INVALID' },
  { path: ['network'], code: 'NH_MANIFEST_NETWORK_INVALID' },
  { path: ['dependencies'], code: 'NH_MANIFEST_DEPENDENCY_INVALID' },
  { path: ['hooks'], code: 'NH_MANIFEST_HOOK_INVALID' },
  { path: ['prompts'], code: 'NH_MANIFEST_PROMPT_INVALID' },
  { path: ['config'], code: 'NH_MANIFEST_CONFIG_INVALID' },
  { path: ['name'], code: 'NH_MANIFEST_FIELD_INVALID' },
  { path: ['description'], code: 'NH_MANIFEST_FIELD_INVALID' },
  { path: ['$schema'], code: 'NH_MANIFEST_FIELD_INVALID' },
];

function matches(rule: (typeof RULES)[number], issue: ZodIssueLike): boolean {
  if (rule.issue && rule.issue !== issue.code) return false;
  if (issue.path.length < rule.path.length) return false;
  return rule.path.every((seg, i) => seg === '*' || seg === issue.path[i]);
}

/** `['tools', 1, 'name']` -> `tools[1].name`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else if (typeof seg === 'string' && /^[A-Za-z_$][\w$]*$/.test(seg)) out += out ? `.${seg}` : seg;
    else out += `[${JSON.stringify(String(seg))}]`;
  }
  return out;
}

/** Maps zod issues of PluginManifestSchema to specific codes and messages that name the field. */
export function mapManifestIssues(issues: readonly ZodIssueLike[], raw: Record<string, unknown>): ManifestIssue[] {
  return issues.map((issue) => {
    const top = issue.path[0];
    if (issue.code === 'unrecognized_keys' && issue.path.length === 0) {
      const keys = issue.keys ?? [];
      return {
        path: keys.length === 1 ? String(keys[0]) : '',
        message: `unknown field${keys.length === 1 ? '' : 's'} ${keys.map((k) => JSON.stringify(k)).join(', ')}`,
        code: 'NH_MANIFEST_UNKNOWN_FIELD',
      };
    }
    if (issue.code !== 'custom' && issue.path.length === 1 && typeof top === 'string' && !(top in raw)) {
      return { path: top, message: `${top} is required`, code: 'NH_MANIFEST_FIELD_MISSING' };
    }
    const rule = RULES.find((r) => matches(r, issue));
    const path = formatPath(issue.path);
    return { path, message: describe(issue, path), code: rule?.code ?? 'NH_MANIFEST_INVALID' };
  });
}
