import { randomUUID } from 'node:crypto';
import type { DB, Kysely, RoleValue } from '@neonhub/db';
import type { RequestedApproval } from '@neonhub/orchestrator';
import type { Actor, PluginManifest } from '@neonhub/schemas';
import type { ChannelRouter } from '@neonhub/sdk';
import type { Logger } from 'pino';
import type { OutboxPort } from '../pipeline/call-tool.js';
import { allPages, FEED_PAGE, oldestOpenTransaction, overlappingFeed } from './feed.js';
import { type FeedPosition, heldSince, markExpiredHeld } from './held.js';
import { claim, deadSends, type NotifyTarget, targets } from './store.js';

/** Notifications are sent as the host itself, not as a member. */
export const NOTIFIER: Actor = { type: 'system', id: 'neonhub-notifications' };

export interface NotifierDeps {
  db: Kysely<DB>;
  /** The orchestrator's feed of steps that came to wait for a decision. */
  approvalsRequested(opts: { after?: number; since?: Date; limit?: number }): Promise<RequestedApproval[]>;
  resolveWorkspace(id: string): Promise<{ id: string; slug: string }>;
  /** The workspace's channel router (`ctx.channels`): its e-mail connector, its Slack connector. */
  channels(workspaceId: string): ChannelRouter | undefined;
  manifest(pluginId: string): PluginManifest | undefined;
  outbox: OutboxPort;
  /** The console's public address, for links in messages (none: the message names the page). */
  consoleUrl?: string | undefined;
  logger?: Pick<Logger, 'warn' | 'info'>;
  /** How often to look (default 2 s). */
  everyMs?: number;
  /** How far back a notifier that starts looks (default 1 h): events from before are not announced. */
  lookBackMs?: number;
}

/** One thing that waits, in words, and who should hear of it. */
interface Notice {
  workspaceId: string;
  key: string;
  minRole: RoleValue;
  subject: string;
  text: (slug: string) => string;
}

export interface Notifier {
  /** Looks once (the timer calls it; tests call it to not wait). */
  tick(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Tells the members who asked (by e-mail or on Slack; see the preference routes) that something waits for them: a run's
 * step waiting for approval or a call held for approval outside a run (the approvers: admins and owners), a send that failed for good (members and up). The
 * message goes through the workspace's own connector, chosen by the channel router, and is written to the outbox like
 * every external send (retries, idempotency, the audit record when delivered). It is not a marketing send: the
 * workspace's send policy (consent, approval) does not hold it; the person chose it in their preferences. Each (thing,
 * person) is claimed in `notifications_sent` first, so it goes out once whatever the number of hosts.
 */
export function startNotifier(deps: NotifierDeps): Notifier {
  const everyMs = deps.everyMs ?? 2000;
  const startedAt = Date.now();
  const from = new Date(startedAt - (deps.lookBackMs ?? 3_600_000));
  const approvalFeed = overlappingFeed(from);
  const heldFeed = overlappingFeed(from);
  const deadFeed = overlappingFeed(from);
  let running: Promise<void> | undefined;
  let closed = false;
  const link = (path: string) => (deps.consoleUrl ? `${deps.consoleUrl.replace(/\/$/, '')}${path}` : null);

  async function send(n: Notice, t: NotifyTarget): Promise<void> {
    const router = deps.channels(n.workspaceId);
    const route = await router?.resolve(t.via === 'email' ? 'email' : 'chat', t.via === 'slack' ? { network: 'slack' } : {});
    const manifest = route && deps.manifest(route.plugin);
    if (!route || !manifest) {
      deps.logger?.warn(
        { workspaceId: n.workspaceId, via: t.via, user: t.userId },
        'notification not sent: the workspace has no connector for it',
      );
      return;
    }
    if (!(await claim(deps.db, n.workspaceId, n.key, t.userId, t.via))) return;
    const ws = await deps.resolveWorkspace(n.workspaceId);
    const text = n.text(ws.slug);
    const connection = route.connection ? { connection: route.connection.id } : {};
    const input =
      t.via === 'email'
        ? { to: t.email, subject: n.subject, text, ...connection }
        : { text: `*${n.subject}*\n${text}`, ...(t.slackChannel ? { channel: t.slackChannel } : {}), ...connection };
    const outcome = await deps.outbox.submit({
      workspace: ws,
      pluginId: route.plugin,
      tool: route.tool,
      manifest,
      input,
      idempotencyKey: `notify:${n.key}:${t.userId}`,
      actor: NOTIFIER,
      callId: randomUUID(),
      timeoutMs: 1000,
    });
    if (outcome.kind === 'failed')
      deps.logger?.warn({ err: outcome.error, key: n.key, user: t.userId }, 'notification failed (it is in the outbox)');
  }

  async function notify(n: Notice): Promise<void> {
    for (const t of await targets(deps.db, n.workspaceId, n.minRole)) {
      try {
        await send(n, t);
      } catch (err) {
        deps.logger?.warn({ err, key: n.key, user: t.userId }, 'notification failed');
      }
    }
  }

  /**
   * Steps that came to wait for approval (their `approval.requested` event): the approvers hear of each once. Read by
   * the events' time with the same overlap as the feeds below, not after the last event id seen: on PostgreSQL an id
   * is taken at insert and seen at commit, so an event whose transaction commits after a later id was read would be
   * passed for good (and the overlap reaches back to any transaction still open, however long).
   */
  async function approvals(open: Date | undefined): Promise<void> {
    const since = approvalFeed.since(open);
    const rows = allPages<RequestedApproval>((last) =>
      deps.approvalsRequested({ since, limit: FEED_PAGE, ...(last ? { after: last.eventId } : {}) }),
    );
    for await (const r of rows) {
      if (!approvalFeed.fresh(`event:${r.eventId}`, new Date(r.at))) continue;
      const what = r.title ?? r.tool;
      await notify({
        workspaceId: r.workspaceId,
        key: `approval:${r.runId}/${r.stepId}`,
        minRole: 'admin',
        subject: `Waiting for your approval: ${what}`,
        text: (slug) => {
          const url = link(`/w/${encodeURIComponent(slug)}/runs/${r.runId}`);
          return `“${what}” in the run “${r.runGoal}” waits for your approval.\n\n${url ? `Review it: ${url}` : 'Review it in NeonHub’s console, under Approvals.'}`;
        },
      });
    }
    approvalFeed.forget();
  }

  /**
   * Calls held for approval outside a run (held_calls): the approvers hear of each once. The feed is read with a few
   * seconds of overlap (two hosts may commit notes out of order); a key seen already is skipped here, and the claim
   * makes it once per person whatever the number of hosts. Notes whose approval expired undecided are marked decided
   * (at their expiry) first.
   */
  async function heldCalls(open: Date | undefined): Promise<void> {
    await markExpiredHeld(deps.db);
    const since = heldFeed.since(open);
    const now = new Date();
    for await (const h of allPages((last: { position: FeedPosition } | undefined) =>
      heldSince(deps.db, since, FEED_PAGE, now, last?.position),
    )) {
      const key = `held:${h.call_id}`;
      if (!heldFeed.fresh(key, new Date(h.created_at))) continue;
      const [pluginId = '', name = h.tool] = h.tool.split(':');
      const what = `${deps.manifest(pluginId)?.name ?? pluginId} · ${name.replace(/_/g, ' ')}`;
      await notify({
        workspaceId: h.workspace_id,
        key,
        minRole: 'admin',
        subject: `Waiting for your approval: ${what}`,
        text: (slug) => {
          const url = link(`/w/${encodeURIComponent(slug)}/approvals`);
          return `A call of “${what}” made outside a run waits for your approval: ${h.reason}\n\n${url ? `Review it: ${url}` : 'Review it in NeonHub’s console, under Approvals.'}`;
        },
      });
    }
    heldFeed.forget();
  }

  /**
   * Sends that failed for good: members and up hear of each once. Read with the same overlap as held calls (a send
   * marked dead in the millisecond a look read, or stamped before a look and committed after it, was lost for good).
   */
  async function failedSends(open: Date | undefined): Promise<void> {
    const since = deadFeed.since(open);
    for await (const m of allPages((last: { position: FeedPosition } | undefined) =>
      deadSends(deps.db, since, FEED_PAGE, last?.position),
    )) {
      if (!deadFeed.fresh(`outbox:${m.id}`, new Date(m.updated_at))) continue;
      const error = (m.last_error as { message?: string } | null)?.message ?? 'it failed every attempt';
      await notify({
        workspaceId: m.workspace_id,
        key: `outbox:${m.id}`,
        minRole: 'member',
        subject: `A send failed: ${m.tool}`,
        text: (slug) => {
          const url = link(`/w/${encodeURIComponent(slug)}/outbox`);
          return `${m.tool} gave up: ${error}\n\n${url ? `Retry or cancel it: ${url}` : 'Retry or cancel it in NeonHub’s console, under Outbox.'}`;
        },
      });
    }
    deadFeed.forget();
  }

  async function tick(): Promise<void> {
    if (running) return running;
    running = (async () => {
      try {
        // read before the feeds: a transaction open now may commit rows stamped before the overlap while they are read
        const open = await oldestOpenTransaction(deps.db);
        await approvals(open);
        await heldCalls(open);
        await failedSends(open);
      } finally {
        running = undefined;
      }
    })();
    return running;
  }

  const timer = setInterval(() => {
    if (!closed) tick().catch((err) => deps.logger?.warn({ err }, 'notifier: a look failed'));
  }, everyMs);
  timer.unref();

  return {
    tick,
    async close() {
      closed = true;
      clearInterval(timer);
      await running;
    },
  };
}
