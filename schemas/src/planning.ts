import { z } from 'zod';
import { ToolNameSchema } from './common.js';

/**
 * The planner catalogue (docs/plugin-authors.md, "Being planned"): each entry of a manifest's `serves` says which
 * goals one of the plugin's tools serves, at which stage of a goal's chain, and with what input. The offline
 * planner composes plans from the entries of the workspace's enabled plugins, so core names no agent or tool and a
 * third-party agent is planned as soon as it is enabled.
 *
 * A goal's chain: `draft` (once per goal) → `compose` (after the draft; once per value of `each`) → `deliver` (after
 * its compose); `record` after each draft; `review` once, after the first draft of its goals in the order it lists
 * them. Goals are named (`email`, `social`, `blog`, `sms`, ...): a goal text asks for one when it contains one of
 * the words some entry gives it (`words`).
 */
export const PlanStageSchema = z.enum(['draft', 'record', 'compose', 'deliver', 'review']);
export type PlanStage = z.infer<typeof PlanStageSchema>;

const GoalIdSchema = z.string().regex(/^[a-z][a-z0-9-]{0,31}$/, 'goal ids are lowercase words, e.g. email or sms');

export const ServesEntrySchema = z.strictObject({
  /** One of this plugin's tools (its own name, not qualified). */
  tool: ToolNameSchema,
  /** The goals it serves; for `review`, in order of preference (the first one drafted is reviewed). */
  goals: z.array(GoalIdSchema).min(1),
  stage: PlanStageSchema,
  /**
   * Goal → words (or short phrases) of a goal text that ask for it, matched whole, case-insensitive, plural `s`
   * allowed (`{ "sms": ["sms", "text message"] }`). Any entry may teach the planner a goal's words.
   */
  words: z.record(GoalIdSchema, z.array(z.string().min(1).max(40))).default({}),
  /**
   * The step's id (letters, digits, `_`; `{{plan.goal}}` allowed). Default `<stage>_<goal>`. A `compose` fanned out
   * over `each` gets `_<value>` appended, and so does its `deliver`, when there is more than one value.
   */
  step: z
    .string()
    .regex(/^[a-zA-Z0-9_{}.]+$/)
    .max(64)
    .optional(),
  title: z.string().min(1).max(200),
  /**
   * The tool's input, with templates: `{{plan.topic}}`, `{{plan.title}}` (the topic capitalized), `{{plan.goal}}`,
   * `{{plan.value}}` (the `each` value), `{{plan.label}}` (its display name, for titles), `{{plan.recipientsText}}`,
   * a whole-string `{{plan.keywords}}`,
   * `{{plan.audience}}` or `{{plan.recipients}}` (an array, or the key is left out when not given), and earlier
   * steps of the chain: `{{draft.output.<path>}}`, `{{compose.output.<path>}}` and `{{draft.tool}}`.
   */
  input: z.record(z.string(), z.unknown()).default({}),
  needsApproval: z.boolean().default(false),
  /** Plan parameters this step needs (`recipients`, `audience`): without them it is left out, with a note. */
  requires: z.array(z.enum(['recipients', 'audience'])).default([]),
  /** `compose` only: one step per value (`params.networks`, else the values named in the goal, else `default`). */
  each: z
    .strictObject({
      param: z.literal('networks'),
      values: z.array(z.string().min(1)).min(1),
      /** Other names for a value in a goal text (`twitter` → `x`). */
      aliases: z.record(z.string(), z.string()).default({}),
      /** A value's display name (`linkedin` → `LinkedIn`): `{{plan.label}}` in a title; the value itself without one. */
      labels: z.record(z.string(), z.string().min(1).max(60)).default({}),
      default: z.array(z.string().min(1)).min(1),
    })
    .optional(),
});
export type ServesEntry = z.infer<typeof ServesEntrySchema>;

/** A catalogue entry as the planner reads it: the entry with its tool qualified (`plugin:tool`). */
export type CatalogueEntry = Omit<ServesEntry, 'tool'> & { tool: string };
