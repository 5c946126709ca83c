import { randomUUID } from 'node:crypto';
import type { DB, Kysely } from '@neonhub/db';
import { sql } from '@neonhub/db';
import {
  type LearningMetric,
  LearningMetricSchema,
  type PluginManifest,
  SOCIAL_METRIC_KINDS,
  SocialMetricsOutputSchema,
  type SocialPostMetrics,
} from '@neonhub/schemas';
import type { Logger } from 'pino';
import type { CallTool } from '../pipeline/call-tool.js';
import { ensureSystemSchedules } from '../schedules/system-schedules.js';
import { insertEvents, type NewEvent } from './events.js';

type Db = Kysely<DB>;
type Metric = keyof typeof SOCIAL_METRIC_KINDS;
const METRICS = Object.keys(SOCIAL_METRIC_KINDS) as Metric[];
/** The contract's tool a social connector offers its metrics by (schemas SocialMetricsInputSchema / OutputSchema). */
export const METRICS_TOOL = 'metrics';
const ACTOR = { type: 'system', id: 'neonhub-social-metrics' } as const;
const CHUNK = 100;

export interface SocialMetricsDeps {
  db: Db;
  callTool: CallTool;
  manifest(pluginId: string): PluginManifest | undefined;
  logger: Logger;
}

interface PublishedPost {
  postId: string;
  plugin: string;
  connection: string | undefined;
  campaign: string;
  variant: string;
  /** The post carries one of the workspace's tracked links (/r/<code>): its clicks are counted by the redirect. */
  tracked: boolean;
}

/**
 * The kind a network's link clicks are recorded as on a post that carries a tracked link: the redirect already
 * records each of those clicks as `clicked` (with its campaign, variant and time), so the network's figure is kept
 * apart, not a funnel stage, and no click is counted twice. On a post without a tracked link the network's clicks
 * are the only ones and count as `clicked`.
 */
export const NETWORK_CLICKED = 'network_clicked';
const TRACKED_CODE = /\/r\/([A-Za-z0-9_-]{6,64})/g;

/** The codes of the tracked links in the posts' texts and links that belong to the workspace. */
async function trackedCodes(db: Db, workspaceId: string, texts: string[]): Promise<Set<string>> {
  const codes = [...new Set(texts.flatMap((t) => [...t.matchAll(TRACKED_CODE)].map((m) => m[1]!)))];
  if (codes.length === 0) return new Set();
  const found = await db
    .selectFrom('tracked_links')
    .select('code')
    .where('workspace_id', '=', workspaceId)
    .where('code', 'in', codes)
    .execute();
  return new Set(found.map((f) => f.code));
}

/** The social posts the workspace published in the last `days` days (their `sent` results), by connector. */
async function publishedPosts(db: Db, workspaceId: string, days: number, now: Date): Promise<PublishedPost[]> {
  // the post's text and link are in its outbox row (the sent row is keyed sent:<idempotency key>)
  const rows = await db
    .selectFrom('result_events as e')
    .leftJoin('outbox_messages as o', (j) =>
      j.onRef('o.workspace_id', '=', 'e.workspace_id').on(sql`'sent:' || o.idempotency_key`, '=', sql.ref('e.dedupe_key')),
    )
    .select([
      'e.message_id',
      'e.source',
      'e.campaign',
      'e.variant',
      sql<string | null>`e.data->>'connection'`.as('connection'),
      sql<string>`coalesce(o.input->>'text', '') || ' ' || coalesce(o.input->>'link', '')`.as('said'),
    ])
    .where('e.workspace_id', '=', workspaceId)
    .where('e.kind', '=', 'sent')
    .where('e.channel', '=', 'social')
    .where('e.source', 'like', 'delivery:%')
    .where('e.message_id', 'is not', null)
    .where('e.occurred_at', '>=', new Date(now.getTime() - days * 86_400_000))
    .orderBy('e.id')
    .execute();
  const tracked = await trackedCodes(
    db,
    workspaceId,
    rows.map((r) => r.said),
  );
  return rows.map((r) => ({
    postId: r.message_id!,
    plugin: r.source.slice('delivery:'.length),
    connection: r.connection ?? undefined,
    campaign: r.campaign,
    variant: r.variant,
    tracked: [...r.said.matchAll(TRACKED_CODE)].some((m) => tracked.has(m[1]!)),
  }));
}

/**
 * Records one pull of metrics: each metric's increase over the highest total seen before (social_metric_snapshots,
 * locked for the transaction) becomes one result event whose count is that increase (impression, clicked, liked,
 * shared, commented), under the post's campaign and variant. A total that did not grow adds nothing; one that fell
 * (an unlike) keeps the old high-water mark, so a later rise is not counted twice.
 */
async function recordPull(
  db: Db,
  workspaceId: string,
  plugin: string,
  byPost: Map<string, PublishedPost>,
  got: SocialPostMetrics[],
  now: Date,
) {
  return db.transaction().execute(async (trx) => {
    const ids = got.map((m) => m.postId).filter((id) => byPost.has(id));
    if (ids.length === 0) return 0;
    const before = await trx
      .selectFrom('social_metric_snapshots')
      .select(['post_id', 'metric', 'value'])
      .where('workspace_id', '=', workspaceId)
      .where('plugin_id', '=', plugin)
      .where('post_id', 'in', ids)
      .forUpdate()
      .execute();
    const last = new Map(before.map((b) => [`${b.post_id}\u0000${b.metric}`, Number(b.value)]));
    const events: NewEvent[] = [];
    const snapshots: Array<{ workspace_id: string; plugin_id: string; post_id: string; metric: string; value: number; pulled_at: Date }> =
      [];
    for (const m of got) {
      const post = byPost.get(m.postId);
      if (!post) continue;
      for (const metric of METRICS) {
        const total = m[metric];
        const prior = last.get(`${m.postId}\u0000${metric}`) ?? 0;
        if (total <= prior) continue;
        snapshots.push({ workspace_id: workspaceId, plugin_id: plugin, post_id: m.postId, metric, value: total, pulled_at: now });
        events.push({
          workspace_id: workspaceId,
          campaign: post.campaign,
          variant: post.variant,
          channel: 'social',
          contact_id: null,
          kind: metric === 'clicks' && post.tracked ? NETWORK_CLICKED : SOCIAL_METRIC_KINDS[metric],
          occurred_at: now,
          value: total,
          message_id: m.postId,
          source: `metrics:${plugin}`,
          dedupe_key: `metric:${plugin}:${m.postId}:${metric}:${total}`,
          data: { total, previous: prior },
          count: total - prior,
        });
      }
    }
    if (snapshots.length > 0)
      await trx
        .insertInto('social_metric_snapshots')
        .values(snapshots)
        .onConflict((oc) =>
          oc
            .columns(['workspace_id', 'plugin_id', 'post_id', 'metric'])
            .doUpdateSet({ value: (eb) => eb.ref('excluded.value'), pulled_at: (eb) => eb.ref('excluded.pulled_at') }),
        )
        .execute();
    return events.length > 0 ? insertEvents(trx, events) : 0;
  });
}

/**
 * Pulls the metrics of a workspace's social posts of the last `days` days: per connector that published them and
 * offers the `metrics` tool (through the call pipeline, as the system), 100 posts a call, and records the increases.
 * A connector without the tool, or whose call fails, is skipped with a log line; the others still count.
 */
export async function pullSocialMetrics(
  deps: SocialMetricsDeps,
  workspace: { id: string; slug: string },
  opts: { days: number; now?: Date },
): Promise<{ posts: number; events: number; skipped: string[] }> {
  const now = opts.now ?? new Date();
  const posts = await publishedPosts(deps.db, workspace.id, opts.days, now);
  const groups = new Map<string, PublishedPost[]>();
  for (const p of posts) {
    const key = `${p.plugin}\u0000${p.connection ?? ''}`;
    groups.set(key, [...(groups.get(key) ?? []), p]);
  }
  let events = 0;
  const skipped: string[] = [];
  for (const group of groups.values()) {
    const { plugin, connection } = group[0]!;
    if (!deps.manifest(plugin)?.tools.some((t) => t.name === METRICS_TOOL)) {
      if (!skipped.includes(plugin)) skipped.push(plugin);
      continue;
    }
    const byPost = new Map(group.map((p) => [p.postId, p]));
    const ids = [...byPost.keys()];
    for (let i = 0; i < ids.length; i += CHUNK) {
      try {
        const r = await deps.callTool({
          workspace: workspace.slug,
          tool: `${plugin}:${METRICS_TOOL}`,
          input: { postIds: ids.slice(i, i + CHUNK), ...(connection ? { connection } : {}) },
          actor: ACTOR,
          idempotencyKey: `social-metrics:${randomUUID()}`,
        });
        if (r.status !== 'ok') continue;
        const out = SocialMetricsOutputSchema.parse(r.output);
        events += await recordPull(deps.db, workspace.id, plugin, byPost, out.posts, now);
      } catch (err) {
        deps.logger.warn({ err, plugin, workspace: workspace.slug }, 'social metrics: a pull failed (the next one tries again)');
        if (!skipped.includes(plugin)) skipped.push(plugin);
      }
    }
  }
  return { posts: posts.length, events, skipped };
}

/** The system schedule the pull runs as, one per workspace (host/src/schedules: claimed once across hosts). */
export const SOCIAL_METRICS_TASK = { tool: 'social_metrics', title: 'Pull social metrics', channel: 'results' } as const;
/** Defaults for a workspace without results_settings. */
export const DEFAULT_RESULTS_SETTINGS = {
  metricsEnabled: true,
  metricsEveryMinutes: 60,
  metricsDays: 7,
  learningEnabled: true,
  learningEveryMinutes: 60,
  learningMetric: 'clicked',
} as const;

export interface ResultsSettingsRow {
  metricsEnabled: boolean;
  metricsEveryMinutes: number;
  metricsDays: number;
  lastPulledAt: Date | null;
  learningEnabled: boolean;
  learningEveryMinutes: number;
  learningMetric: LearningMetric;
}

export async function readResultsSettings(db: Db, workspaceId: string): Promise<ResultsSettingsRow> {
  const r = await db.selectFrom('results_settings').selectAll().where('workspace_id', '=', workspaceId).executeTakeFirst();
  if (!r) return { ...DEFAULT_RESULTS_SETTINGS, lastPulledAt: null };
  return {
    metricsEnabled: r.metrics_enabled && r.metrics_every_minutes > 0,
    metricsEveryMinutes: r.metrics_every_minutes > 0 ? r.metrics_every_minutes : DEFAULT_RESULTS_SETTINGS.metricsEveryMinutes,
    metricsDays: r.metrics_days,
    lastPulledAt: r.metrics_pulled_at ? new Date(r.metrics_pulled_at) : null,
    learningEnabled: r.learning_enabled,
    learningEveryMinutes: r.learning_every_minutes > 0 ? r.learning_every_minutes : DEFAULT_RESULTS_SETTINGS.learningEveryMinutes,
    // a value written by hand that is no metric falls back to the default rather than failing the pass
    learningMetric: LearningMetricSchema.safeParse(r.learning_metric).data ?? DEFAULT_RESULTS_SETTINGS.learningMetric,
  };
}

/** When the next pull is due for these settings (null: off): an interval after the last pull, and not in the past. */
export function nextPullAt(s: ResultsSettingsRow, now: Date): Date | null {
  if (!s.metricsEnabled) return null;
  const due = s.lastPulledAt ? s.lastPulledAt.getTime() + s.metricsEveryMinutes * 60_000 : now.getTime();
  return new Date(Math.max(due, now.getTime()));
}

/**
 * Creates the pull's schedule for every workspace (or only `workspaceId`) that has none and has not turned the pull
 * off: at the runner's start, at each pull, and when a workspace is created.
 */
export async function ensureSocialMetricsSchedules(db: Db, owner: string, now = new Date(), workspaceId?: string): Promise<void> {
  await ensureSystemSchedules(db, owner, SOCIAL_METRICS_TASK, {
    now,
    ...(workspaceId ? { workspaceId } : {}),
    when: sql<boolean>`coalesce((select s.metrics_enabled and s.metrics_every_minutes > 0 from results_settings s where s.workspace_id = w.id), true)`,
  });
}

/**
 * The pull as a system task (host/src/schedules SystemTask): pulls the schedule's workspace with its settings, marks
 * it pulled and says when to run next (an interval later; off: not again until the settings turn it on).
 */
export function socialMetricsTask(deps: SocialMetricsDeps & { owner: string; now?: () => Date }) {
  const now = deps.now ?? (() => new Date());
  return {
    ensure: () => ensureSocialMetricsSchedules(deps.db, deps.owner, now()),
    async run(row: { workspace_id: string }) {
      const at = now();
      const settings = await readResultsSettings(deps.db, row.workspace_id);
      if (!settings.metricsEnabled) return { result: { off: true }, nextRunAt: null };
      const workspace = await deps.db.selectFrom('workspaces').select(['id', 'slug']).where('id', '=', row.workspace_id).executeTakeFirst();
      if (!workspace) return { result: { gone: true }, nextRunAt: null };
      await deps.db
        .insertInto('results_settings')
        .values({ workspace_id: workspace.id, metrics_pulled_at: at })
        .onConflict((oc) => oc.column('workspace_id').doUpdateSet({ metrics_pulled_at: at }))
        .execute();
      const result = await pullSocialMetrics(deps, workspace, { days: settings.metricsDays, now: at });
      await ensureSocialMetricsSchedules(deps.db, deps.owner, at);
      return { result, nextRunAt: new Date(at.getTime() + settings.metricsEveryMinutes * 60_000) };
    },
  };
}
