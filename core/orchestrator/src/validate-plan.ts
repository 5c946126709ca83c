import { compileSchema } from '@neonhub/json-schema';
import { type Plan, PlanSchema, type SideEffect } from '@neonhub/schemas';
import { runErrors } from './errors.js';
import { findRefs, isTemplate } from './template.js';

/** What the planner and validator know of a tool enabled in the workspace. */
export interface ToolInfo {
  name: string;
  description: string;
  sideEffect: SideEffect;
  inputSchema: Record<string, unknown>;
}

function atPointer(value: unknown, pointer: string): unknown {
  let cur = value;
  for (const raw of pointer.split('/').slice(1)) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[key];
  }
  return cur;
}

/** A value is templated when it, or a value on the path down to it, is a reference resolved at dispatch. */
function underTemplate(input: unknown, pointer: string): boolean {
  const parts = pointer.split('/');
  for (let i = parts.length; i >= 1; i--) if (isTemplate(atPointer(input, parts.slice(0, i).join('/')))) return true;
  return false;
}

/**
 * Validates a plan against the workspace's enabled tools before anything is stored: shape, unique ids,
 * known dependencies, no cycle, references only to ancestors, known tools, and each input against its
 * tool's JSON Schema (values that are references are checked once resolved, by the pipeline).
 * Returns the steps in a topological order.
 */
export function validatePlan(raw: unknown, tools: ToolInfo[]): Plan {
  const parsed = PlanSchema.safeParse(raw);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
    throw runErrors.create(
      'NH_RUN_PLAN_INVALID',
      `the plan is invalid: ${issues.map((i) => `${i.path || '(plan)'} ${i.message}`).join('; ')}`,
      { details: { issues } },
    );
  }
  const plan = parsed.data;
  const byId = new Map<string, Plan['steps'][number]>();
  for (const s of plan.steps) {
    if (byId.has(s.id))
      throw runErrors.create('NH_RUN_PLAN_INVALID', `the plan has two steps with id ${s.id}`, { details: { step: s.id } });
    byId.set(s.id, s);
  }
  for (const s of plan.steps) {
    for (const d of s.dependsOn) {
      if (!byId.has(d))
        throw runErrors.create('NH_RUN_PLAN_INVALID', `step ${s.id} depends on ${d}, which is not in the plan`, {
          details: { step: s.id, missing: d },
        });
      if (d === s.id)
        throw runErrors.create('NH_RUN_PLAN_INVALID', `step ${s.id} depends on itself`, { details: { step: s.id, cycle: [s.id, s.id] } });
    }
  }
  const order = topoOrder(plan);
  const ancestors = new Map<string, Set<string>>();
  for (const s of order) {
    const set = new Set<string>();
    for (const d of s.dependsOn) {
      set.add(d);
      for (const a of ancestors.get(d)!) set.add(a);
    }
    ancestors.set(s.id, set);
  }

  const toolsByName = new Map(tools.map((t) => [t.name, t]));
  for (const s of order) {
    for (const ref of findRefs(s.input)) {
      if (!ancestors.get(s.id)!.has(ref.step)) {
        throw runErrors.create(
          'NH_RUN_PLAN_INVALID',
          `step ${s.id} references steps.${ref.step}, which is not among its ancestors (the steps it depends on, directly or through others)`,
          {
            details: { step: s.id, reference: ref.step },
          },
        );
      }
    }
    const tool = toolsByName.get(s.tool);
    if (!tool) {
      throw runErrors.create('NH_RUN_PLAN_TOOL_UNKNOWN', `step ${s.id} calls ${s.tool}, which is not an enabled tool in this workspace`, {
        details: { step: s.id, tool: s.tool },
      });
    }
    const result = compileSchema(tool.inputSchema)(s.input);
    if (!result.ok) {
      const issues = result.issues.filter((i) => !underTemplate(s.input, i.path === '/' ? '' : i.path));
      if (issues.length) {
        throw runErrors.create(
          'NH_RUN_PLAN_INPUT_INVALID',
          `input of step ${s.id} (${s.tool}) is invalid: ${issues.map((i) => `${i.path} ${i.message}`).join('; ')}`,
          {
            details: { step: s.id, tool: s.tool, issues },
          },
        );
      }
    }
  }
  return { ...plan, steps: order };
}

/** Kahn's algorithm, keeping plan order among ready steps; a cycle is NH_RUN_PLAN_INVALID naming it. */
function topoOrder(plan: Plan): Plan['steps'] {
  const indeg = new Map(plan.steps.map((s) => [s.id, s.dependsOn.length]));
  const children = new Map<string, string[]>(plan.steps.map((s) => [s.id, []]));
  for (const s of plan.steps) for (const d of s.dependsOn) children.get(d)!.push(s.id);
  const byId = new Map(plan.steps.map((s) => [s.id, s]));
  const ready = plan.steps.filter((s) => s.dependsOn.length === 0).map((s) => s.id);
  const out: Plan['steps'] = [];
  while (ready.length) {
    const id = ready.shift()!;
    out.push(byId.get(id)!);
    for (const c of children.get(id)!) {
      indeg.set(c, indeg.get(c)! - 1);
      if (indeg.get(c) === 0) ready.push(c);
    }
  }
  if (out.length !== plan.steps.length) {
    const cycle = plan.steps.filter((s) => indeg.get(s.id)! > 0).map((s) => s.id);
    throw runErrors.create('NH_RUN_PLAN_INVALID', `the plan has a dependency cycle among: ${cycle.join(', ')}`, { details: { cycle } });
  }
  return out;
}
