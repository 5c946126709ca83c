import { randomUUID } from 'node:crypto';
import type { DB, Kysely } from '@neonhub/db';
import { sql } from '@neonhub/db';
import { type PluginManifest, SOCIAL_METRIC_KINDS, SocialMetricsOutputSchema, type SocialPostMetrics } from '@neonhub/schemas';
import type { Logger } from 'pino';
import type { CallTool } from '../pipeline/call-tool.js';
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
}

/** The social posts the workspace published in the last `days` days (their `sent` results), by connector. */
async function publishedPosts(db: Db, workspaceId: string, days: number, now: Date): Promise<PublishedPost[]> {
  const rows = await db
    .selectFrom('result_events')
    .select(['message_id', 'source', 'campaign', 'variant', sql<string | null>`data->>'connection'`.as('connection')])
    .where('workspace_id', '=', workspaceId)
    .where('kind', '=', 'sent')
    .where('channel', '=', 'social')
    .where('source', 'like', 'delivery:%')
    .where('message_id', 'is not', null)
    .where('occurred_at', '>=', new Date(now.getTime() - days * 86_400_000))
    .orderBy('id')
    .execute();
  return rows.map((r) => ({
    postId: r.message_id!,
    plugin: r.source.slice('delivery:'.length),
    connection: r.connection ?? undefined,
    campaign: r.campaign,
    variant: r.variant,
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
          kind: SOCIAL_METRIC_KINDS[metric],
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

/**
 * Pulls, for every workspace whose pull is due (results_settings: every `metrics_every_minutes`, default 60; 0 turns
 * it off; posts of the last `metrics_days`, default 7), and marks it pulled. A workspace without settings uses the
 * defaults. Returns how many workspaces were pulled.
 */
export async function pullDueSocialMetrics(deps: SocialMetricsDeps, now = new Date()): Promise<number> {
  const due = await sql<{ id: string; slug: string; days: number }>`
    select w.id, w.slug, coalesce(s.metrics_days, 7) as days
    from workspaces w left join results_settings s on s.workspace_id = w.id
    where coalesce(s.metrics_every_minutes, 60) > 0
      and (s.metrics_pulled_at is null
        or s.metrics_pulled_at <= ${now.toISOString()}::timestamptz - make_interval(mins => coalesce(s.metrics_every_minutes, 60)))
      and exists (select 1 from result_events e where e.workspace_id = w.id and e.kind = 'sent' and e.channel = 'social')
    limit 100`.execute(deps.db);
  for (const w of due.rows) {
    await deps.db
      .insertInto('results_settings')
      .values({ workspace_id: w.id, metrics_pulled_at: now })
      .onConflict((oc) => oc.column('workspace_id').doUpdateSet({ metrics_pulled_at: now }))
      .execute();
    await pullSocialMetrics(deps, w, { days: Number(w.days), now });
  }
  return due.rows.length;
}
