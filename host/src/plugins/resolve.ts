import type { NeonHubError } from '@neonhub/schemas';
import semver from 'semver';
import { hostErrors } from '../errors.js';
import type { DiscoveredPlugin } from './discover.js';

export interface ResolveResult {
  /** Dependencies before dependents; ties broken by id. */
  order: DiscoveredPlugin[];
  errors: { id: string; error: NeonHubError }[];
}

export interface ResolveOptions {
  /** Plugins that exist but will not load (e.g. failed verification): dependents get NH_PLUGIN_DEPENDENCY_FAILED instead of _MISSING. */
  unavailable?: Record<string, NeonHubError>;
}

function depsOf(p: DiscoveredPlugin): [string, string][] {
  return Object.entries(p.manifest.dependencies).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

/** Finds one cycle through `start` among `nodes` (ids in dependency edges), as [a, b, ..., a]. */
function findCycle(start: string, nodes: Map<string, DiscoveredPlugin>): string[] | undefined {
  const path: string[] = [];
  const onPath = new Set<string>();
  const done = new Set<string>();
  const visit = (id: string): string[] | undefined => {
    if (onPath.has(id)) return [...path.slice(path.indexOf(id)), id];
    if (done.has(id)) return undefined;
    const node = nodes.get(id);
    if (!node) return undefined;
    path.push(id);
    onPath.add(id);
    for (const [dep] of depsOf(node)) {
      const found = visit(dep);
      if (found) return found;
    }
    path.pop();
    onPath.delete(id);
    done.add(id);
    return undefined;
  };
  return visit(start);
}

/**
 * Orders plugins so each comes after the plugins it depends on (`manifest.dependencies`:
 * id -> semver range). A missing dependency, a version outside the range or a cycle excludes
 * the plugin with NH_PLUGIN_DEPENDENCY_MISSING / _VERSION / _CYCLE; a plugin whose dependency
 * was excluded is excluded too (NH_PLUGIN_DEPENDENCY_FAILED, naming it and why). Deterministic.
 */
export function resolveLoadOrder(plugins: DiscoveredPlugin[], opts: ResolveOptions = {}): ResolveResult {
  const byId = new Map([...plugins].sort((a, b) => (a.id < b.id ? -1 : 1)).map((p) => [p.id, p]));
  const failed = new Map<string, NeonHubError>();
  const errors: ResolveResult['errors'] = [];
  const failedDependency = (id: string, dep: string) => {
    const cause = failed.get(dep) as NeonHubError;
    return hostErrors.create('NH_PLUGIN_DEPENDENCY_FAILED', `plugin ${id} depends on ${dep}, which cannot load: ${cause.message}`, {
      details: { id, dependency: dep, reason: { code: cause.code, message: cause.message } },
    });
  };
  const exclude = (id: string, error: NeonHubError) => {
    if (failed.has(id)) return;
    failed.set(id, error);
    errors.push({ id, error });
  };

  // 1. direct problems: missing, out of range
  for (const p of byId.values()) {
    for (const [dep, range] of depsOf(p)) {
      const target = byId.get(dep);
      if (!target) {
        const why = opts.unavailable?.[dep];
        if (why)
          exclude(
            p.id,
            hostErrors.create('NH_PLUGIN_DEPENDENCY_FAILED', `plugin ${p.id} depends on ${dep}, which cannot load: ${why.message}`, {
              details: { id: p.id, dependency: dep, reason: { code: why.code, message: why.message } },
            }),
          );
        else
          exclude(
            p.id,
            hostErrors.create('NH_PLUGIN_DEPENDENCY_MISSING', `plugin ${p.id} depends on ${dep} ${range}, which is not installed`, {
              details: { id: p.id, dependency: dep, range },
            }),
          );
        break;
      }
      if (!semver.satisfies(target.manifest.version, range, { includePrerelease: true })) {
        exclude(
          p.id,
          hostErrors.create(
            'NH_PLUGIN_DEPENDENCY_VERSION',
            `plugin ${p.id} needs ${dep} ${range}, but ${dep} ${target.manifest.version} is installed`,
            {
              details: { id: p.id, dependency: dep, range, installed: target.manifest.version },
            },
          ),
        );
        break;
      }
    }
  }

  // 2. Kahn's algorithm over the rest; ready plugins are taken in id order. A plugin whose
  //    dependency failed in step 1 never becomes ready and is handled in step 4.
  const pending = new Map<string, Set<string>>();
  for (const p of byId.values()) if (!failed.has(p.id)) pending.set(p.id, new Set(depsOf(p).map(([d]) => d)));
  const order: DiscoveredPlugin[] = [];
  const placed = new Set<string>();
  for (;;) {
    const ready = [...pending.entries()].filter(([, deps]) => [...deps].every((d) => placed.has(d))).map(([id]) => id);
    if (ready.length === 0) break;
    const next = ready.sort()[0] as string;
    order.push(byId.get(next) as DiscoveredPlugin);
    placed.add(next);
    pending.delete(next);
  }

  // 3. what is left is in a cycle or depends on one
  const left = new Map([...pending.keys()].map((id) => [id, byId.get(id) as DiscoveredPlugin]));
  for (const id of [...pending.keys()].sort()) {
    if (failed.has(id)) continue;
    const cycle = findCycle(id, left);
    if (cycle && cycle[0] === id) {
      for (const member of new Set(cycle)) {
        exclude(
          member,
          hostErrors.create('NH_PLUGIN_DEPENDENCY_CYCLE', `plugins depend on each other in a cycle: ${cycle.join(' -> ')}`, {
            details: { id: member, cycle },
          }),
        );
      }
    }
  }
  // 4. dependents of a failed plugin or of a cycle fail through their dependency
  let again = true;
  while (again) {
    again = false;
    for (const id of [...pending.keys()].sort()) {
      if (failed.has(id)) continue;
      const bad = [...(pending.get(id) as Set<string>)].sort().find((d) => failed.has(d));
      if (bad === undefined) continue;
      exclude(id, failedDependency(id, bad));
      again = true;
    }
  }
  return { order, errors };
}
