import type { Run, RunStatus, Step, StepStatus } from '@neonhub/schemas';

/** Run and step views as the host's runs API answers them (the schemas of @neonhub/schemas). */
export type { RunStatus, StepStatus };
export type RunView = Run;
export type StepView = Step;

/** The error code of a step a person rejected (the orchestrator's NH_RUN_STEP_REJECTED). */
export const REJECTED = 'NH_RUN_STEP_REJECTED';

/** A step's (or a run's) status as a person reads it: a rejected one is "rejected", not "failed". */
export const shownStatus = (s: { status: string; error?: { code: string } | null }): string =>
  s.status === 'failed' && s.error?.code === REJECTED ? 'rejected' : s.status;

/** Why a person rejected the step (the reason they typed), or null. */
export const rejectReason = (s: Pick<StepView, 'status' | 'error'>): string | null =>
  shownStatus(s) === 'rejected' ? (s.error?.message ?? '').replace(/^rejected:\s*/, '') || null : null;

/** A run that can still change (the page follows it live). */
export const isActive = (status: RunStatus) => status === 'planning' || status === 'queued' || status === 'running';

export const NETWORKS = ['x', 'linkedin', 'instagram', 'facebook'] as const;

export interface LayoutNode {
  id: string;
  layer: number;
  row: number;
  x: number;
  y: number;
}
export interface LayoutEdge {
  from: string;
  to: string;
  d: string;
}

export const NODE = { width: 190, height: 64, gapX: 56, gapY: 18 } as const;

/**
 * A layered layout of the DAG: a step's layer is one more than its deepest dependency (roots in
 * layer 0); inside a layer, steps keep the plan's order. Unknown dependencies are ignored and a cycle
 * (which the host refuses) cannot loop: a step on one is placed after the steps already placed.
 */
export function layoutDag(steps: Pick<StepView, 'id' | 'dependsOn'>[]) {
  const ids = new Set(steps.map((s) => s.id));
  const byId = new Map(steps.map((s) => [s.id, s]));
  const layer = new Map<string, number>();
  const visiting = new Set<string>();
  const depth = (id: string): number => {
    const known = layer.get(id);
    if (known !== undefined) return known;
    if (visiting.has(id)) return 0;
    visiting.add(id);
    const deps = (byId.get(id)?.dependsOn ?? []).filter((d) => ids.has(d));
    const value = deps.length ? 1 + Math.max(...deps.map(depth)) : 0;
    visiting.delete(id);
    layer.set(id, value);
    return value;
  };
  const layers: string[][] = [];
  for (const s of steps) {
    const l = depth(s.id);
    const list = layers[l] ?? [];
    list.push(s.id);
    layers[l] = list;
  }
  const nodes = new Map<string, LayoutNode>();
  layers.forEach((list, l) => {
    list.forEach((id, row) => {
      nodes.set(id, { id, layer: l, row, x: l * (NODE.width + NODE.gapX), y: row * (NODE.height + NODE.gapY) });
    });
  });
  const edges: LayoutEdge[] = [];
  for (const s of steps) {
    const to = nodes.get(s.id);
    if (!to) continue;
    for (const dep of s.dependsOn) {
      const from = nodes.get(dep);
      if (!from) continue;
      const x1 = from.x + NODE.width;
      const y1 = from.y + NODE.height / 2;
      const x2 = to.x;
      const y2 = to.y + NODE.height / 2;
      const mx = (x1 + x2) / 2;
      edges.push({ from: dep, to: s.id, d: `M${x1},${y1} C${mx},${y1} ${mx},${y2} ${x2},${y2}` });
    }
  }
  const rows = Math.max(0, ...layers.map((l) => l.length));
  return {
    layers,
    nodes: [...nodes.values()],
    edges,
    width: Math.max(0, layers.length * (NODE.width + NODE.gapX) - NODE.gapX),
    height: Math.max(0, rows * (NODE.height + NODE.gapY) - NODE.gapY),
  };
}
