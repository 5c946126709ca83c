import type { DB, Kysely } from '@neonhub/db';
import type { RunView } from '@neonhub/orchestrator';
import { FUNNEL_STAGES, RUN_OUTPUT_KINDS, type RunOutputCounts } from '@neonhub/schemas';
import { runResultsParagraph } from './run-words.js';

type Db = Kysely<DB>;
type Counts = Record<(typeof FUNNEL_STAGES)[number], number>;

const MAX_CAMPAIGNS = 20;
const CAMPAIGN_KEYS = new Set(['campaign', 'campaignId', 'resultsCampaign']);

const zero = (): Counts => Object.fromEntries(FUNNEL_STAGES.map((s) => [s, 0])) as Counts;

/**
 * What a finished run's steps name, read generically from their inputs and outputs (no tool is special): the
 * message ids its sends got back (`messageId`, `messageIds`; `sandbox: true` beside them means a sandbox connector
 * recorded the message, which counts as delivered), the post ids its publications got back (`postId`), and the
 * campaigns it worked on (`campaign`, `campaignId`, `resultsCampaign`).
 */
export function runTouchpoints(view: RunView) {
  const messages = new Map<string, { sandbox: boolean }>();
  const posts = new Set<string>();
  const campaigns = new Set<string>();
  const walk = (v: unknown, depth: number) => {
    if (depth > 6 || v === null || typeof v !== 'object') return;
    if (Array.isArray(v)) {
      for (const x of v.slice(0, 1000)) walk(x, depth + 1);
      return;
    }
    const o = v as Record<string, unknown>;
    const sandbox = o.sandbox === true;
    if (typeof o.messageId === 'string') messages.set(o.messageId, { sandbox });
    if (Array.isArray(o.messageIds)) for (const id of o.messageIds) if (typeof id === 'string') messages.set(id, { sandbox });
    if (typeof o.postId === 'string' && o.postId.length > 0) posts.add(o.postId);
    for (const [k, x] of Object.entries(o)) {
      if (CAMPAIGN_KEYS.has(k) && typeof x === 'string' && x.length > 0 && x.length <= 100) campaigns.add(x);
      else walk(x, depth + 1);
    }
  };
  for (const s of view.steps) {
    if (s.status !== 'succeeded') continue;
    walk(s.input, 0);
    walk(s.output, 0);
  }
  for (const id of messages.keys()) posts.delete(id);
  return { messages, posts, campaigns: [...campaigns].slice(0, MAX_CAMPAIGNS) };
}

const KIND_OF_CHANNEL: Record<string, keyof RunOutputCounts> = { email: 'email', sms: 'sms', chat: 'chat', social: 'post' };

/**
 * What a run did by kind: each message or post id counted once, by the channel its delivery was recorded on
 * (`result_events` kind `sent`: e-mail, SMS, chat, social = a post), else by the key that named it (`postId` = a post,
 * `messageId` = a message). Channels outside these (a CRM upsert, a payment link) count as what named them.
 */
export async function runOutputKinds(db: Db, workspaceId: string, messageIds: string[], postIds: string[]): Promise<RunOutputCounts> {
  const counts = Object.fromEntries(RUN_OUTPUT_KINDS.map((k) => [k, 0])) as RunOutputCounts;
  const ids = [...messageIds, ...postIds];
  const channelOf = new Map<string, string>();
  for (let i = 0; i < ids.length; i += 500) {
    const rows = await db
      .selectFrom('result_events')
      .select(['message_id', 'channel'])
      .where('workspace_id', '=', workspaceId)
      .where('message_id', 'in', ids.slice(i, i + 500))
      .where('kind', '=', 'sent')
      .orderBy('message_id')
      .orderBy('channel')
      .execute();
    for (const r of rows) if (r.message_id && !channelOf.has(r.message_id)) channelOf.set(r.message_id, r.channel);
  }
  const posts = new Set(postIds);
  for (const id of ids) counts[KIND_OF_CHANNEL[channelOf.get(id) ?? ''] ?? (posts.has(id) ? 'post' : 'message')]++;
  return counts;
}

/**
 * The results summary a run ends with (its `run.summary` event): the funnel of the messages its steps sent so far
 * (sent, delivered, opened, clicked, converted, from the stored results), and the totals so far of each campaign it
 * worked on. "So far": opens and clicks keep arriving after the run; the console and the funnel API show them live.
 */
export function runResultsSummary(db: Db) {
  return async (view: RunView) => {
    const workspaceId = view.run.workspaceId;
    const { messages, posts, campaigns } = runTouchpoints(view);
    const sent = zero();
    const ids = [...messages.keys()];
    sent.sent = ids.length;
    sent.delivered = [...messages.values()].filter((m) => m.sandbox).length;
    for (let i = 0; i < ids.length; i += 500) {
      const rows = await db
        .selectFrom('result_events')
        .select(['kind', (eb) => eb.fn.count<string | number>('message_id').distinct().as('n')])
        .where('workspace_id', '=', workspaceId)
        .where('message_id', 'in', ids.slice(i, i + 500))
        .where('kind', 'in', [...FUNNEL_STAGES])
        .groupBy('kind')
        .execute();
      for (const r of rows) {
        const k = r.kind as keyof Counts;
        // a sandbox delivery may also be recorded as an event: count each message once
        sent[k] = k === 'sent' ? sent.sent : k === 'delivered' ? Math.max(sent.delivered, Number(r.n)) : sent[k] + Number(r.n);
      }
    }
    const byCampaign: Array<{ campaign: string; totals: Counts }> = [];
    if (campaigns.length > 0) {
      const rows = await db
        .selectFrom('result_daily')
        .select(['campaign', 'kind', (eb) => eb.fn.sum<string | number>('count').as('n')])
        .where('workspace_id', '=', workspaceId)
        .where('campaign', 'in', campaigns)
        .where('kind', 'in', [...FUNNEL_STAGES])
        .groupBy(['campaign', 'kind'])
        .execute();
      for (const c of campaigns) {
        const totals = zero();
        for (const r of rows.filter((x) => x.campaign === c)) totals[r.kind as keyof Counts] = Number(r.n);
        if (FUNNEL_STAGES.some((s) => totals[s] > 0)) byCampaign.push({ campaign: c, totals });
      }
    }
    const byKind = await runOutputKinds(db, workspaceId, ids, [...posts]);
    const text = runResultsParagraph({ messages: sent, byKind, campaigns: byCampaign });
    return { kind: 'results', status: view.run.status, messages: sent, byKind, campaigns: byCampaign, text };
  };
}
