import type { CatalogueEntry, Plan, PlanStep } from '@neonhub/schemas';

/** What the catalogue planner knows of a goal: its text, topic and keywords, and the caller's parameters. */
export interface GoalFacts {
  text: string;
  topic: string;
  keywords: string[];
  recipients?: string[];
  networks?: string[];
  audience?: string;
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
/** Whether a goal text contains `word` as a whole word (or phrase), plural `s` allowed. */
const mentions = (text: string, word: string) =>
  new RegExp(String.raw`(?:^|[^a-z0-9])${escapeRegExp(word.toLowerCase())}s?(?:$|[^a-z0-9])`).test(text);

const capitalize = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
const WHOLE = /^\{\{\s*([a-zA-Z0-9_.]+)\s*\}\}$/;
const PART = /\{\{\s*([a-zA-Z0-9_.]+)\s*\}\}/g;

interface Scope {
  goal: string;
  value?: string;
  /** The value's display name (`each.labels`), else the value. */
  label?: string;
  draft?: PlanStep;
  compose?: PlanStep;
}

/**
 * Composes a plan from the catalogue of the workspace's enabled plugins (manifests' `serves`, see
 * schemas/src/planning.ts): the goals the text asks for, each a chain draft → compose → deliver with records after
 * each draft, and reviews once after the first draft they prefer. A goal without an entry for a stage stops there,
 * with a note; a step whose required parameter is missing is left out, with a note.
 */
export function planFromCatalogue(facts: GoalFacts, catalogue: readonly CatalogueEntry[]): Plan {
  const text = facts.text.toLowerCase();
  const steps: PlanStep[] = [];
  const notes: string[] = [];
  const ids = new Set<string>();

  // goals in the order the catalogue's drafting entries list them, then any other goal entries name
  const order: string[] = [];
  for (const e of [...catalogue.filter((x) => x.stage === 'draft'), ...catalogue])
    for (const g of e.goals) if (!order.includes(g)) order.push(g);
  const wordsOf = (goal: string) => catalogue.flatMap((e) => e.words[goal] ?? []);
  const eachOf = (goal: string) => catalogue.find((e) => e.goals.includes(goal) && e.each)?.each;
  const wanted = order.filter((goal) => {
    const each = eachOf(goal);
    if (each && (facts[each.param]?.length ?? 0) > 0) return true;
    return wordsOf(goal).some((w) => mentions(text, w)) || (each ? namedValues(text, each).length > 0 : false);
  });

  const vars = (scope: Scope): Record<string, unknown> => {
    const n = facts.recipients?.length ?? 0;
    return {
      'plan.topic': facts.topic,
      'plan.title': capitalize(facts.topic).slice(0, 200),
      'plan.goal': scope.goal,
      'plan.keywords': facts.keywords,
      'plan.audience': facts.audience,
      'plan.recipients': facts.recipients?.map((email) => ({ email })),
      'plan.recipientsText': `${n} recipient${n === 1 ? '' : 's'}`,
      'plan.value': scope.value,
      'plan.label': scope.label ?? scope.value,
      'draft.tool': scope.draft?.tool,
    };
  };
  const resolveString = (s: string, scope: Scope): unknown => {
    const v = vars(scope);
    const ref = (name: string): string | undefined => {
      const [head, ...rest] = name.split('.');
      const step = head === 'draft' ? scope.draft : head === 'compose' ? scope.compose : undefined;
      return step && rest[0] === 'output' ? `{{steps.${step.id}.${rest.join('.')}}}` : undefined;
    };
    const whole = WHOLE.exec(s);
    if (whole) {
      const name = whole[1]!;
      if (name in v) return v[name];
      return ref(name) ?? s;
    }
    return s.replace(PART, (m, name: string) => (name in v ? String(v[name] ?? '') : (ref(name) ?? m)));
  };
  const resolve = (value: unknown, scope: Scope): unknown => {
    if (typeof value === 'string') return resolveString(value, scope);
    if (Array.isArray(value)) return value.map((x) => resolve(x, scope));
    if (value && typeof value === 'object') {
      const out: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(value)) {
        const r = resolve(x, scope);
        if (r !== undefined) out[k] = r;
      }
      return out;
    }
    return value;
  };
  const add = (entry: CatalogueEntry, scope: Scope, dependsOn: string[], suffix = ''): PlanStep | undefined => {
    const missing = entry.requires.filter((p) => !(facts[p]?.length ?? 0));
    if (missing.length) {
      notes.push(`no ${missing.join(', ')} given: ${entry.tool} is left out (pass ${missing.join(', ')} to include it)`);
      return undefined;
    }
    const base = String(resolveString(entry.step ?? `${entry.stage}_{{plan.goal}}`, scope));
    let id = `${base}${suffix}`;
    for (let i = 2; ids.has(id); i++) id = `${base}${suffix}_${i}`;
    ids.add(id);
    const step: PlanStep = {
      id,
      tool: entry.tool,
      title: String(resolveString(entry.title, scope)),
      input: resolve(entry.input, scope) as Record<string, unknown>,
      dependsOn,
      ...(entry.needsApproval ? { needsApproval: true } : {}),
    };
    steps.push(step);
    return step;
  };
  const first = (goal: string, stage: CatalogueEntry['stage']) => catalogue.find((e) => e.stage === stage && e.goals.includes(goal));

  const drafts = new Map<string, PlanStep>();
  for (const goal of wanted) {
    const draftEntry = first(goal, 'draft');
    if (!draftEntry) {
      notes.push(`no enabled plugin drafts ${goal}: nothing can be drafted for it`);
      continue;
    }
    const draft = add(draftEntry, { goal }, []);
    if (!draft) continue;
    drafts.set(goal, draft);
    for (const rec of catalogue.filter((e) => e.stage === 'record' && e.goals.includes(goal))) add(rec, { goal, draft }, [draft.id]);
    const composeEntry = first(goal, 'compose');
    if (!composeEntry) {
      notes.push(`no enabled plugin composes ${goal}: it is drafted only`);
      continue;
    }
    const deliverEntry = first(goal, 'deliver');
    const values = composeEntry.each ? valuesFor(text, facts, composeEntry.each) : [undefined];
    for (const value of values) {
      const suffix = value !== undefined && values.length > 1 ? `_${value}` : '';
      const label = value !== undefined ? composeEntry.each?.labels[value] : undefined;
      const scope: Scope = { goal, draft, ...(value !== undefined ? { value } : {}), ...(label ? { label } : {}) };
      const compose = add(composeEntry, scope, [draft.id], suffix);
      if (!compose) continue;
      if (deliverEntry) add(deliverEntry, { ...scope, compose }, [compose.id], suffix);
      else notes.push(`no enabled plugin delivers ${goal}: it is composed, not sent`);
    }
  }

  for (const review of catalogue.filter((e) => e.stage === 'review')) {
    const goal = review.goals.find((g) => drafts.has(g)) ?? (drafts.size ? [...drafts.keys()][0] : undefined);
    if (goal === undefined || !review.goals.some((g) => drafts.has(g))) continue;
    const draft = drafts.get(goal)!;
    add(review, { goal, draft }, [draft.id]);
  }
  return { steps, notes };
}

function namedValues(text: string, each: NonNullable<CatalogueEntry['each']>): string[] {
  const names = [...each.values, ...Object.keys(each.aliases)];
  return [...new Set(names.filter((n) => mentions(text, n)).map((n) => each.aliases[n] ?? n))];
}

/** The values a fanned-out step runs for: the parameter's, else those the goal names, else the default. */
function valuesFor(text: string, facts: GoalFacts, each: NonNullable<CatalogueEntry['each']>): string[] {
  const given = facts[each.param];
  const chosen = given?.length ? given : namedValues(text, each).length ? namedValues(text, each) : each.default;
  return [...new Set(chosen.map((v) => each.aliases[v] ?? v))];
}
