import type { DB, Kysely } from '@neonhub/db';
import { sql } from '@neonhub/db';
import type { LearningMetric, PluginManifest } from '@neonhub/schemas';
import type { Logger } from 'pino';
import type { ContractResolver } from '../contracts.js';
import type { CallTool } from '../pipeline/call-tool.js';
import { ensureSystemSchedules } from '../schedules/system-schedules.js';
import { campaigns as resultsCampaigns } from './analytics.js';
import { campaignLinks, linkCampaign, resultsNameFor } from './campaign-links.js';
import { DEFAULT_RESULTS_SETTINGS, type ResultsSettingsRow, readResultsSettings } from './social-metrics.js';

type Db = Kysely<DB>;

/** The system schedule the learning loop runs as, one per workspace (host/src/schedules: claimed once across hosts). */
export const LEARNING_TASK = { tool: 'results_learning', title: 'Learn from the results', channel: 'results' } as const;
/** How often a workspace's prompt variants and campaign budgets are scored, unless its settings say otherwise. */
export const LEARNING_EVERY_MINUTES = DEFAULT_RESULTS_SETTINGS.learningEveryMinutes;
const ACTOR = { type: 'system', id: 'neonhub-learning' } as const;

export interface LearningDeps {
  db: Db;
  callTool: CallTool;
  contracts: Pick<ContractResolver, 'tool'>;
  manifest(pluginId: string): PluginManifest | undefined;
  logger: Logger;
}

export interface PromptScoring {
  tool: string;
  status: 'scored' | 'held' | 'failed';
  reason: string;
  variants?: unknown;
}

export interface CampaignScoring {
  campaignId: string;
  resultsCampaign: string;
  status: 'reallocated' | 'held' | 'failed';
  reason: string;
}

export interface LearningResult {
  /** What a draft or an arm was scored by (the workspace's `learningMetric`). */
  metric: LearningMetric;
  prompts: PromptScoring | null;
  campaigns: CampaignScoring[];
}

const offers = (deps: LearningDeps, qualified: string) => {
  const [plugin = '', tool = ''] = qualified.split(':');
  return deps.manifest(plugin)?.tools.some((t) => t.name === tool) ?? false;
};

type Called = { status: 'ok'; output: Record<string, unknown> } | { status: 'held' | 'failed'; reason: string };

/** One call as the learning loop: its output, or why there is none (held by a policy, refused, failed). */
async function call(
  deps: LearningDeps,
  workspace: { id: string; slug: string },
  tool: string,
  input: unknown,
  key: string,
): Promise<Called> {
  try {
    const r = await deps.callTool({ workspace: workspace.slug, tool, input, actor: ACTOR, idempotencyKey: key });
    if (r.status === 'ok') return { status: 'ok', output: (r.output ?? {}) as Record<string, unknown> };
    return { status: 'held', reason: `${tool} was not run: ${r.status}${'reason' in r && r.reason ? ` (${r.reason})` : ''}` };
  } catch (err) {
    return { status: 'failed', reason: err instanceof Error ? err.message : String(err) };
  }
}

/** Scores the draft prompt's variants through the content contract's `learn_from_results`, when offered. */
async function scorePrompts(
  deps: LearningDeps,
  workspace: { id: string; slug: string },
  key: string,
  metric: LearningMetric,
): Promise<PromptScoring | null> {
  const found = await deps.contracts.tool(workspace.id, 'content', 'learn_from_results').catch(() => undefined);
  if (!found || !offers(deps, found.tool)) return null;
  const r = await call(deps, workspace, found.tool, { metric }, `${key}:prompts`);
  if (r.status === 'ok') return { tool: found.tool, status: 'scored', reason: String(r.output.reason ?? ''), variants: r.output.variants };
  return { tool: found.tool, status: r.status, reason: r.reason };
}

interface ListedCampaign {
  campaignId: string;
  name: string;
  status?: string;
}

/**
 * Links each campaign of the campaigns contract to its results (stored links; a results name that is the campaign's
 * id or name is linked and stored as `name`), then reallocates the budget of each active campaign with results by
 * the contract's `reallocate` (Thompson sampling; the decision and its reason are kept in the campaign's history).
 */
async function scoreCampaigns(
  deps: LearningDeps,
  workspace: { id: string; slug: string },
  key: string,
  metric: LearningMetric,
): Promise<CampaignScoring[]> {
  const list = await deps.contracts.tool(workspace.id, 'campaigns', 'list_campaigns').catch(() => undefined);
  const reallocate = await deps.contracts.tool(workspace.id, 'campaigns', 'reallocate').catch(() => undefined);
  if (!list || !reallocate || !offers(deps, list.tool) || !offers(deps, reallocate.tool)) return [];
  const listed = await call(deps, workspace, list.tool, { status: 'active' }, `${key}:campaigns`);
  if (listed.status !== 'ok') return [];
  const active = (Array.isArray(listed.output.campaigns) ? listed.output.campaigns : []) as ListedCampaign[];
  if (active.length === 0) return [];
  const names = (await resultsCampaigns(deps.db, workspace.id)).map((c) => c.campaign);
  const out: CampaignScoring[] = [];
  for (const c of active.slice(0, 50)) {
    if (typeof c.campaignId !== 'string' || typeof c.name !== 'string') continue;
    let link = (await campaignLinks(deps.db, workspace.id, c.campaignId))[0]?.resultsCampaign;
    if (!link) {
      link = resultsNameFor(c, names);
      if (link) await linkCampaign(deps.db, workspace.id, c.campaignId, link, 'name');
    }
    if (!link || !names.includes(link)) continue;
    const r = await call(
      deps,
      workspace,
      reallocate.tool,
      { campaignId: c.campaignId, resultsCampaign: link, metric },
      `${key}:${c.campaignId}`,
    );
    out.push({
      campaignId: c.campaignId,
      resultsCampaign: link,
      status: r.status === 'ok' ? 'reallocated' : r.status,
      reason: r.status === 'ok' ? String(r.output.reason ?? '') : r.reason,
    });
  }
  return out;
}

/**
 * One pass of the learning loop over a workspace's stored results: prompt variants, then campaign budgets, both
 * scored by `metric` (the workspace's `learningMetric`; default clicked).
 */
export async function learnFromResults(
  deps: LearningDeps,
  workspace: { id: string; slug: string },
  key: string,
  metric: LearningMetric = DEFAULT_RESULTS_SETTINGS.learningMetric,
): Promise<LearningResult> {
  const prompts = await scorePrompts(deps, workspace, key, metric);
  const campaigns = await scoreCampaigns(deps, workspace, key, metric);
  if (prompts || campaigns.length > 0)
    deps.logger.info(
      {
        workspace: workspace.slug,
        metric,
        prompts: prompts?.status ?? 'none',
        campaigns: campaigns.map((c) => `${c.campaignId}:${c.status}`),
      },
      'learned from the results',
    );
  return { metric, prompts, campaigns };
}

/**
 * Creates the learning schedule, due now, for every workspace that has none (or only `workspaceId`) and has not turned
 * learning off. Run at the runner's start, at each pass, and when a workspace is created.
 */
export async function ensureLearningSchedules(db: Db, owner: string, now = new Date(), workspaceId?: string): Promise<void> {
  await ensureSystemSchedules(db, owner, LEARNING_TASK, {
    now,
    ...(workspaceId ? { workspaceId } : {}),
    when: sql<boolean>`coalesce((select s.learning_enabled from results_settings s where s.workspace_id = w.id), true)`,
  });
}

/**
 * When the next pass is due after the settings changed (null: off): the pass already scheduled when it comes sooner
 * than an interval from now, else an interval from now; at once when learning was off (nothing scheduled).
 */
export function nextLearningAt(s: Pick<ResultsSettingsRow, 'learningEnabled' | 'learningEveryMinutes'>, scheduled: Date | null, now: Date) {
  if (!s.learningEnabled) return null;
  if (!scheduled) return now;
  const interval = new Date(now.getTime() + s.learningEveryMinutes * 60_000);
  return scheduled < interval ? scheduled : interval;
}

/**
 * The learning loop as a system task (host/src/schedules SystemTask): scores the schedule's workspace from its stored
 * results by its settings' metric and runs again its interval later (off: not again until the settings turn it on).
 * Its result (what changed and why, in words) is kept on the schedule row.
 */
export function learningTask(deps: LearningDeps & { owner: string; now?: () => Date }) {
  const now = deps.now ?? (() => new Date());
  return {
    ensure: () => ensureLearningSchedules(deps.db, deps.owner, now()),
    async run(row: { id: string; workspace_id: string; version: number }) {
      const at = now();
      const settings = await readResultsSettings(deps.db, row.workspace_id);
      if (!settings.learningEnabled) return { result: { off: true }, nextRunAt: null };
      const workspace = await deps.db.selectFrom('workspaces').select(['id', 'slug']).where('id', '=', row.workspace_id).executeTakeFirst();
      if (!workspace) return { result: { gone: true }, nextRunAt: null };
      const result = await learnFromResults(deps, workspace, `learning:${row.id}:${row.version}`, settings.learningMetric);
      await ensureLearningSchedules(deps.db, deps.owner, at);
      return { result, nextRunAt: new Date(at.getTime() + settings.learningEveryMinutes * 60_000) };
    },
  };
}
