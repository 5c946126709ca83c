import type { CatalogueEntry, Plan } from '@neonhub/schemas';
import { runErrors } from './errors.js';
import { planFromCatalogue } from './planner-catalogue.js';
import type { ToolInfo } from './validate-plan.js';

/** What a goal may carry besides its text (the API body's `params`, the CLI's flags). */
export interface PlanParams {
  /** E-mail recipients; without them the e-mail is composed but not sent. */
  recipients?: string[];
  /** Social networks to post on (default: those named in the goal, else linkedin). */
  networks?: string[];
  audience?: string;
}

const CHANNEL_WORDS = [
  'e-?mail',
  'newsletter',
  String.raw`social(?:\s+media)?`,
  'twitter',
  'x',
  'linkedin',
  'instagram',
  'facebook',
  'blog',
  'seo',
  'search',
];
const escapeWord = (w: string) => w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/\s+/g, String.raw`\s+`);
/** The trailing channel list ("on email and social"), with the words the catalogue teaches (`sms`, `text message`). */
function channelTail(extra: readonly string[]): RegExp {
  const words = String.raw`(?:${[...CHANNEL_WORDS, ...extra.map(escapeWord)].join('|')})s?`;
  return new RegExp(
    String.raw`\s+(?:on|across|via|through|over|in|with|by)\s+(?:our\s+|the\s+)?${words}(?:(?:\s*,\s*|\s+and\s+|\s*&\s*|\s+plus\s+)(?:our\s+|the\s+)?${words})*(?:\s+channels?)?\s*[.!]?\s*$`,
    'i',
  );
}
const CHANNEL_TAIL = channelTail([]);
const LEAD_VERB = /^\s*(?:please\s+)?(?:launch|announce|promote|run|start|kick\s+off|market|publicize|advertise|write\s+about|plan)\s+/i;

/** The goal's subject: the words left once the leading verb and the trailing channel list are removed. */
export function topicOf(goal: string, channelWords: readonly string[] = []): string {
  let t = goal
    .trim()
    .replace(channelWords.length ? channelTail(channelWords) : CHANNEL_TAIL, '')
    .replace(LEAD_VERB, '')
    .replace(/^(?:our|the|a|an)\s+/i, '')
    .trim();
  t = t.replace(/[.!]+$/, '');
  return t.length >= 3 ? t.slice(0, 300) : goal.trim().slice(0, 300);
}

/**
 * The offline planner: rules over the goal's words, no model, composed from the planner catalogue of the workspace's
 * enabled plugins (their manifests' `serves`; see planner-catalogue.ts and docs/runs.md, "Offline planning rules").
 * Core names no agent: a plugin declaring the goals it serves is planned as soon as it is enabled. Catalogue entries
 * whose tool is not among `tools` (not enabled, quarantined) are left out.
 */
export function planOffline(goal: string, tools: ToolInfo[], params: PlanParams = {}, catalogue: readonly CatalogueEntry[] = []): Plan {
  const enabled = new Set(tools.map((t) => t.name));
  const usable = catalogue.filter((e) => enabled.has(e.tool));
  const words = usable.flatMap((e) => [
    ...Object.values(e.words).flat(),
    ...(e.each ? [...e.each.values, ...Object.keys(e.each.aliases)] : []),
  ]);
  const topic = topicOf(goal, [...new Set(words)]);
  const keywords = [
    ...new Set(
      topic
        .toLowerCase()
        .split(/[^a-z0-9]+/)
        .filter((w) => w.length > 3),
    ),
  ].slice(0, 5);
  const plan = planFromCatalogue(
    {
      text: goal,
      topic,
      keywords,
      ...(params.recipients ? { recipients: params.recipients } : {}),
      ...(params.networks ? { networks: params.networks } : {}),
      ...(params.audience ? { audience: params.audience } : {}),
    },
    usable,
  );
  if (plan.steps.length === 0) {
    throw runErrors.create(
      'NH_RUN_GOAL_UNPLANNABLE',
      `the offline planner has no rule for "${goal}": name a goal the enabled plugins serve (email, social, a network, blog with the first-party agents), or configure a model (NEONHUB_LLM_PROVIDER)`,
      { details: { goal, notes: plan.notes } },
    );
  }
  return plan;
}
