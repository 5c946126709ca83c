const cache = new Map<string, RegExp>();

/** True when `tool` (`plugin:tool`) matches `pattern`, where `*` stands for any run of characters. */
export function matchesTool(pattern: string, tool: string): boolean {
  if (pattern === '*' || pattern === tool) return true;
  if (!pattern.includes('*')) return false;
  let re = cache.get(pattern);
  if (!re) {
    re = new RegExp(
      `^${pattern
        .split('*')
        .map((s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
        .join('.*')}$`,
    );
    cache.set(pattern, re);
  }
  return re.test(tool);
}

/** Index of the first pattern that matches `tool`, or -1. */
export function firstMatch(patterns: readonly string[], tool: string): number {
  return patterns.findIndex((p) => matchesTool(p, tool));
}

/** Model price keys: `provider/model` exactly, or with `*` wildcards (`offline/*`). */
export function matchesModel(pattern: string, model: string): boolean {
  return matchesTool(pattern, model);
}
