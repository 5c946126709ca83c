import { createHash } from 'node:crypto';
import { SemverSchema } from '@neonhub/schemas';
import { z } from 'zod';
import { promptErrors } from './errors.js';

const PLACEHOLDER = /\{\{\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*\}\}/g;

export const PromptVariantSchema = z.strictObject({
  id: z.string().regex(/^[a-z0-9][a-z0-9_-]*$/, 'variant ids are lowercase letters, digits, _ and -'),
  template: z.string().min(1),
  /** Relative share of subjects that get this variant (default 1). */
  weight: z.number().positive().default(1),
});
export type PromptVariant = z.infer<typeof PromptVariantSchema>;

export const PromptDefinitionSchema = z.strictObject({
  /** `<agent>.<purpose>`, e.g. `agent-content.blog-draft`. */
  id: z.string().regex(/^[a-z0-9][a-z0-9._-]*$/, 'prompt ids are lowercase: letters, digits, ., _ and -'),
  version: SemverSchema,
  description: z.string().optional(),
  /** `{{name}}` placeholders; every one must be listed in `variables`. This is the `control` variant. */
  template: z.string().min(1),
  variables: z.array(z.string().regex(/^[a-zA-Z_][a-zA-Z0-9_]*$/)).default([]),
  /** Alternatives for A/B tests, besides `control` (the base template). */
  variants: z.array(PromptVariantSchema).default([]),
});
export type PromptDefinitionInput = z.input<typeof PromptDefinitionSchema>;

export interface PromptDefinition extends z.infer<typeof PromptDefinitionSchema> {
  /** `control` first, then the declared variants. */
  readonly allVariants: ReadonlyArray<PromptVariant>;
}

export const CONTROL_VARIANT = 'control';

function placeholders(template: string): string[] {
  return [...template.matchAll(PLACEHOLDER)].map((m) => m[1] as string);
}

/** Validates a prompt: placeholders declared, variant ids unique. Throws NH_LLM_PROMPT_INVALID. */
export function definePrompt(input: PromptDefinitionInput): PromptDefinition {
  const parsed = PromptDefinitionSchema.safeParse(input);
  if (!parsed.success) {
    throw promptErrors.create(
      'NH_LLM_PROMPT_INVALID',
      `prompt ${String(input.id)}: ${parsed.error.issues.map((i) => i.message).join('; ')}`,
      {
        details: { issues: parsed.error.issues },
      },
    );
  }
  const def = parsed.data;
  const declared = new Set(def.variables);
  const allVariants: PromptVariant[] = [{ id: CONTROL_VARIANT, template: def.template, weight: 1 }, ...def.variants];
  const seen = new Set<string>();
  for (const v of allVariants) {
    if (seen.has(v.id))
      throw promptErrors.create('NH_LLM_PROMPT_INVALID', `prompt ${def.id}@${def.version}: variant "${v.id}" is declared twice`);
    seen.add(v.id);
    const undeclared = placeholders(v.template).filter((p) => !declared.has(p));
    if (undeclared.length > 0) {
      throw promptErrors.create(
        'NH_LLM_PROMPT_INVALID',
        `prompt ${def.id}@${def.version} variant "${v.id}" uses undeclared variables: ${undeclared.join(', ')}`,
        { details: { undeclared } },
      );
    }
  }
  return { ...def, allVariants };
}

export type PromptVariables = Record<string, string | number | boolean>;

/** Fills `{{name}}` placeholders. A variable the template uses but `vars` lacks → NH_LLM_PROMPT_VARIABLE_MISSING. */
export function renderTemplate(template: string, vars: PromptVariables, where = 'prompt'): string {
  const missing = [...new Set(placeholders(template).filter((p) => vars[p] === undefined || vars[p] === null))];
  if (missing.length > 0) {
    throw promptErrors.create('NH_LLM_PROMPT_VARIABLE_MISSING', `${where} needs ${missing.map((m) => `"${m}"`).join(', ')}`, {
      details: { missing },
    });
  }
  return template.replace(PLACEHOLDER, (_m, name: string) => String(vars[name]));
}

/** Deterministic A/B assignment: the same prompt and subject always get the same variant, weighted. */
export function pickVariantOf(prompt: PromptDefinition, subjectKey: string): PromptVariant {
  const variants = prompt.allVariants;
  if (variants.length === 1) return variants[0] as PromptVariant;
  const digest = createHash('sha256').update(`${prompt.id}\u0000${subjectKey}`).digest();
  const unit = digest.readUInt32BE(0) / 0x1_0000_0000;
  const total = variants.reduce((sum, v) => sum + v.weight, 0);
  let at = unit * total;
  for (const v of variants) {
    if (at < v.weight) return v;
    at -= v.weight;
  }
  return variants[variants.length - 1] as PromptVariant;
}

export interface RenderedPrompt {
  promptId: string;
  version: string;
  variantId: string;
  text: string;
}

export const PromptOutcomeSchema = z.strictObject({
  promptId: z.string(),
  version: z.string(),
  variantId: z.string(),
  subjectKey: z.string(),
  /** What happened to the output: e.g. `accepted`, `edited`, `rejected`, `clicked`. */
  outcome: z.string().min(1).max(64),
  /** An optional measure (click-through rate, edit distance, revenue). */
  value: z.number().optional(),
  at: z.iso.datetime(),
});
export type PromptOutcome = z.infer<typeof PromptOutcomeSchema>;

export interface VariantStats {
  variantId: string;
  count: number;
  outcomes: Record<string, number>;
  valueSum: number;
}

/** Where A/B outcomes go. Storage-agnostic: the in-memory store below, a database table later. */
export interface PromptOutcomeStore {
  record(outcome: PromptOutcome): Promise<void>;
  list(filter: { promptId: string; version?: string }): Promise<PromptOutcome[]>;
  summarize(filter: { promptId: string; version?: string }): Promise<VariantStats[]>;
}

export function summarizeOutcomes(outcomes: Iterable<PromptOutcome>): VariantStats[] {
  const by = new Map<string, VariantStats>();
  for (const o of outcomes) {
    let s = by.get(o.variantId);
    if (!s) {
      s = { variantId: o.variantId, count: 0, outcomes: {}, valueSum: 0 };
      by.set(o.variantId, s);
    }
    s.count += 1;
    s.outcomes[o.outcome] = (s.outcomes[o.outcome] ?? 0) + 1;
    s.valueSum += o.value ?? 0;
  }
  return [...by.values()].sort((a, b) => (a.variantId < b.variantId ? -1 : 1));
}

export function createMemoryPromptOutcomeStore(): PromptOutcomeStore {
  const rows: PromptOutcome[] = [];
  const match = (f: { promptId: string; version?: string }) => (o: PromptOutcome) =>
    o.promptId === f.promptId && (f.version === undefined || o.version === f.version);
  return {
    async record(outcome) {
      rows.push(PromptOutcomeSchema.parse(outcome));
    },
    async list(filter) {
      return rows.filter(match(filter));
    },
    async summarize(filter) {
      return summarizeOutcomes(rows.filter(match(filter)));
    },
  };
}

function compareSemver(a: string, b: string): number {
  const pa = a.split(/[.+-]/).slice(0, 3).map(Number);
  const pb = b.split(/[.+-]/).slice(0, 3).map(Number);
  for (let i = 0; i < 3; i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Versioned prompts per agent, rendered with variables, with deterministic A/B variants and an outcome recorder. */
export function createPromptRegistry(opts: { store?: PromptOutcomeStore; now?: () => Date } = {}) {
  const prompts = new Map<string, Map<string, PromptDefinition>>();
  const store = opts.store ?? createMemoryPromptOutcomeStore();
  const now = opts.now ?? (() => new Date());

  function get(promptId: string, version?: string): PromptDefinition {
    const versions = prompts.get(promptId);
    const def =
      version === undefined
        ? [...(versions?.values() ?? [])].sort((a, b) => compareSemver(b.version, a.version))[0]
        : versions?.get(version);
    if (!def) {
      throw promptErrors.create('NH_LLM_PROMPT_NOT_FOUND', `no prompt ${promptId}${version ? `@${version}` : ''} is registered`, {
        details: { promptId, version },
      });
    }
    return def;
  }

  return {
    store,
    /** Adds a prompt (a `definePrompt` result or its input). The same id and version twice → NH_LLM_PROMPT_INVALID. */
    register(prompt: PromptDefinition | PromptDefinitionInput): PromptDefinition {
      const def = 'allVariants' in prompt ? (prompt as PromptDefinition) : definePrompt(prompt);
      const versions = prompts.get(def.id) ?? new Map<string, PromptDefinition>();
      if (versions.has(def.version))
        throw promptErrors.create('NH_LLM_PROMPT_INVALID', `prompt ${def.id}@${def.version} is already registered`);
      versions.set(def.version, def);
      prompts.set(def.id, versions);
      return def;
    },
    /** The given version, or the highest registered one. */
    get,
    list(): PromptDefinition[] {
      return [...prompts.values()].flatMap((v) => [...v.values()]);
    },
    pickVariant(promptId: string, subjectKey: string, version?: string): PromptVariant {
      return pickVariantOf(get(promptId, version), subjectKey);
    },
    /**
     * Renders `variantId` when given (a variant chosen by its scores), else the variant picked for `subjectKey`
     * (or `control` without one). An unknown variant id → NH_LLM_PROMPT_NOT_FOUND.
     */
    render(promptId: string, vars: PromptVariables, o: { version?: string; subjectKey?: string; variantId?: string } = {}): RenderedPrompt {
      const def = get(promptId, o.version);
      const chosen = o.variantId === undefined ? undefined : def.allVariants.find((v) => v.id === o.variantId);
      if (o.variantId !== undefined && !chosen)
        throw promptErrors.create('NH_LLM_PROMPT_NOT_FOUND', `prompt ${def.id}@${def.version} has no variant ${o.variantId}`, {
          details: { promptId, version: def.version, variantId: o.variantId },
        });
      const variant = chosen ?? (o.subjectKey === undefined ? (def.allVariants[0] as PromptVariant) : pickVariantOf(def, o.subjectKey));
      return {
        promptId: def.id,
        version: def.version,
        variantId: variant.id,
        text: renderTemplate(variant.template, vars, `prompt ${def.id}@${def.version} (variant ${variant.id})`),
      };
    },
    async recordOutcome(o: Omit<PromptOutcome, 'at'> & { at?: string }): Promise<void> {
      await store.record({ ...o, at: o.at ?? now().toISOString() });
    },
  };
}

export type PromptRegistry = ReturnType<typeof createPromptRegistry>;
