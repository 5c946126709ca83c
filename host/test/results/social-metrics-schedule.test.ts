import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { sandboxMetrics } from '../../../plugins/connector-social-sandbox/src/tools/metrics.js';
import type { Host } from '../../src/host.js';
import { createLinks, followLink } from '../../src/results/links.js';
import { NETWORK_CLICKED, pullSocialMetrics, SOCIAL_METRICS_TASK } from '../../src/results/social-metrics.js';
import { SYSTEM_OWNER, startScheduleRunner } from '../../src/schedules/index.js';
import { buildApp } from '../../src/server/app.js';
import { bootHost, lockRoot, makeRoot, operatorInject, removeRoot, repoPlugin, silentLogger } from '../integration/helpers.js';

/**
 * The social metrics pull runs as a system schedule per workspace on the schedule runner (claimed by one conditional
 * UPDATE, so two hosts pull once), reschedules itself an interval later, and is set through
 * GET/PUT /api/workspaces/:ws/results/settings.
 */
let root: string;
let host: Host;
const actor = { type: 'user' as const, id: 'owner-1', role: 'owner' as const };

beforeAll(async () => {
  root = makeRoot('social-metrics-schedule', [
    { from: repoPlugin('connector-social-sandbox'), link: true },
    { from: repoPlugin('agent-social'), link: true },
  ]);
  await lockRoot(root);
  host = await bootHost(root);
}, 180_000);

afterAll(async () => {
  await app?.close();
  await host?.close();
  removeRoot(root);
});

/** Each test's own workspace (slug), with the sandbox network and agent-social enabled and one post published. */
let workspaceId: string;
let slug: string;
let postId: string;
let made = 0;
async function shop(): Promise<void> {
  slug = `shop-${++made}`;
  workspaceId = (await host.storage.service.createWorkspace({ slug })).id;
  await host.storage.service.enablePlugin(slug, 'connector-social-sandbox');
  await host.storage.service.enablePlugin(slug, 'agent-social');
  const r = await host.callTool({
    workspace: slug,
    tool: 'agent-social:publish',
    input: { network: 'linkedin', text: 'Spring is here.' },
    actor,
    idempotencyKey: 'post-1',
  });
  postId = (r as { output: { postId: string } }).output.postId;
}
beforeEach(shop, 60_000);

/** A runner of the host's system tasks (no poll of its own: its start claims what is due, `tick` polls). */
const runner = (n: number) =>
  startScheduleRunner({
    service: host.schedules,
    callTool: (req) => host.callTool(req),
    logger: silentLogger().logger.child({ runner: n }),
    tasks: host.systemTasks,
    pollMs: 3_600_000,
  });

const task = () => host.schedules.store.byKey(workspaceId, SYSTEM_OWNER, SOCIAL_METRICS_TASK.tool);
const impressions = async () => {
  const r = await host.storage.db
    .selectFrom('result_events')
    .select((eb) => eb.fn.sum<string>('value').as('n'))
    .where('workspace_id', '=', workspaceId)
    .where('kind', '=', 'impression')
    .where('source', '=', 'metrics:connector-social-sandbox')
    .executeTakeFirst();
  return Number(r?.n ?? 0);
};

describe('the social metrics pull on the schedule runner', () => {
  it('two runners (two hosts) over one database pull a due workspace once, and it is scheduled an interval later', async () => {
    const [a, b] = await Promise.all([runner(1), runner(2)]);
    try {
      // each runner's start created the workspace's schedule once (ensure) and its first poll claims it
      await vi.waitFor(async () => expect((await task())?.status).toBe('scheduled'), { timeout: 20_000 });
      await vi.waitFor(async () => expect((await task())?.finished_at).not.toBeNull(), { timeout: 20_000 });
      const [ta, tb] = await Promise.all([a.tick(), b.tick()]);
      expect(ta + tb).toBe(0); // not due again
      expect(await impressions()).toBe(sandboxMetrics(postId).impressions);
      const row = (await task())!;
      const settings = await host.storage.db
        .selectFrom('results_settings')
        .selectAll()
        .where('workspace_id', '=', workspaceId)
        .executeTakeFirst();
      expect(row.attempts).toBe(1);
      expect(new Date(row.run_at).getTime() - new Date(settings!.metrics_pulled_at!).getTime()).toBe(60 * 60_000);
      expect(row.result).toMatchObject({ posts: 1, skipped: [] });
      // the host's own schedule is not in the calendar
      const cal = await host.schedules.list(workspaceId, {
        from: new Date(Date.now() - 86_400_000).toISOString(),
        to: new Date(Date.now() + 7 * 86_400_000).toISOString(),
      });
      expect(cal.schedules.some((s) => s.plugin === SYSTEM_OWNER)).toBe(false);
    } finally {
      await a.close();
      await b.close();
    }
  });
});

describe('a tracked link inside a post', () => {
  const events = (messageId: string) =>
    host.storage.db
      .selectFrom('result_events')
      .select(['kind', 'value', 'source'])
      .where('workspace_id', '=', workspaceId)
      .where('message_id', '=', messageId)
      .where('source', '=', 'metrics:connector-social-sandbox')
      .execute();

  it("counts clicks once: the redirect's as `clicked`, the network's kept apart as network_clicked", async () => {
    const [link] = await createLinks(host.storage.db, workspaceId, {
      url: 'https://shop.example.com/sale',
      campaign: 'spring',
      variant: '',
      channel: 'social',
    });
    const r = await host.callTool({
      workspace: slug,
      tool: 'agent-social:publish',
      input: { network: 'linkedin', text: `The sale is on: https://neonhub.example.com${link!.path}` },
      actor,
      idempotencyKey: 'post-tracked',
    });
    const tracked = (r as { output: { postId: string } }).output.postId;
    await followLink(host.storage.db, link!.code);
    const deps = {
      db: host.storage.db,
      callTool: host.callTool,
      manifest: (id: string) => host.registry.plugin(id)?.manifest,
      logger: silentLogger().logger,
    };
    await pullSocialMetrics(deps, { id: workspaceId, slug }, { days: 7 });
    const m = sandboxMetrics(tracked);
    const got = await events(tracked);
    expect(got.find((e) => e.kind === NETWORK_CLICKED)?.value).toBe(m.clicks);
    expect(got.some((e) => e.kind === 'clicked')).toBe(false);
    expect(got.find((e) => e.kind === 'impression')?.value).toBe(m.impressions);
    // the one click through the redirect is the post's only `clicked`
    const clicked = await host.storage.db
      .selectFrom('result_events')
      .select(['source'])
      .where('workspace_id', '=', workspaceId)
      .where('kind', '=', 'clicked')
      .where('link_id', '=', link!.id)
      .execute();
    expect(clicked).toHaveLength(1);
    // a post without a tracked link: the network's clicks are its clicks
    expect((await events(postId)).find((e) => e.kind === 'clicked')?.value).toBe(sandboxMetrics(postId).clicks);
  });
});

let app: FastifyInstance | undefined;
describe('GET/PUT /api/workspaces/:ws/results/settings', () => {
  let inject: FastifyInstance['inject'];
  beforeAll(async () => {
    app = await buildApp(host);
    inject = operatorInject(app, host);
  }, 120_000);
  let url: string;
  /** The settings tests read a workspace pulled once (its last pull is set), as the runner leaves it. */
  beforeEach(async () => {
    url = `/api/workspaces/${slug}/results/settings`;
    const pulling = await runner(0);
    try {
      await vi.waitFor(async () => expect((await task())?.finished_at).not.toBeNull(), { timeout: 20_000 });
    } finally {
      await pulling.close();
    }
  }, 60_000);

  it('reads the settings with the last and next pull', async () => {
    const r = await inject({ method: 'GET', url });
    expect(r.statusCode).toBe(200);
    const body = r.json();
    expect(body).toMatchObject({ metricsEnabled: true, metricsEveryMinutes: 60, metricsDays: 7 });
    expect(Date.parse(body.nextPullAt) - Date.parse(body.lastPulledAt)).toBe(60 * 60_000);
  });

  it('refuses bad values with 400 NH_REQUEST_INVALID and changes nothing', async () => {
    for (const payload of [{ metricsEveryMinutes: 5 }, { metricsDays: 0 }, { metricsDays: 91 }, { metricsEnabled: 'yes' }, { every: 60 }]) {
      const r = await inject({ method: 'PUT', url, payload });
      expect(r.statusCode, JSON.stringify(payload)).toBe(400);
      expect(r.json().error.code).toBe('NH_REQUEST_INVALID');
    }
    expect((await inject({ method: 'GET', url })).json()).toMatchObject({ metricsEveryMinutes: 60, metricsDays: 7 });
  });

  it('a new interval reschedules the next pull from the last one; off cancels it and keeps the interval; on brings it back', async () => {
    const changed = (await inject({ method: 'PUT', url, payload: { metricsEveryMinutes: 120, metricsDays: 30 } })).json();
    expect(changed).toMatchObject({ metricsEnabled: true, metricsEveryMinutes: 120, metricsDays: 30 });
    expect(Date.parse(changed.nextPullAt) - Date.parse(changed.lastPulledAt)).toBe(120 * 60_000);
    expect(new Date((await task())!.run_at).toISOString()).toBe(changed.nextPullAt);

    const off = (await inject({ method: 'PUT', url, payload: { metricsEnabled: false } })).json();
    expect(off).toMatchObject({ metricsEnabled: false, metricsEveryMinutes: 120, nextPullAt: null });
    expect((await task())!.status).toBe('cancelled');

    const on = (await inject({ method: 'PUT', url, payload: { metricsEnabled: true } })).json();
    expect(on).toMatchObject({ metricsEnabled: true, metricsEveryMinutes: 120 });
    expect((await task())!.status).toBe('scheduled');
    expect(Date.parse(on.nextPullAt)).toBe(Date.parse(changed.nextPullAt));
  });

  it("agent-social's scheduled post carries its entry's campaignId to the connector: its results are the campaign's", async () => {
    const entry = await host.callTool({
      workspace: slug,
      tool: 'agent-social:schedule',
      input: { network: 'linkedin', text: 'Launch day.', scheduledAt: new Date().toISOString(), campaignId: 'spring-launch' },
      actor,
      idempotencyKey: 'schedule-launch',
    });
    expect(entry.status).toBe('ok');
    const entryId = (entry as { output: { entryId: string } }).output.entryId;
    // the app's schedule runner fires it (the poll), through the pipeline and the outbox
    const sent = await vi.waitFor(
      async () => {
        const row = await host.storage.db
          .selectFrom('result_events')
          .select(['campaign', 'channel', 'message_id', 'dedupe_key'])
          .where('workspace_id', '=', workspaceId)
          .where('kind', '=', 'sent')
          .where('dedupe_key', '=', `sent:${entryId}`)
          .executeTakeFirst();
        expect(row).toBeDefined();
        return row!;
      },
      { timeout: 30_000, interval: 200 },
    );
    expect(sent).toMatchObject({ campaign: 'spring-launch', channel: 'social' });
    const outbox = await host.storage.db
      .selectFrom('outbox_messages')
      .select(['input', 'tool'])
      .where('workspace_id', '=', workspaceId)
      .where('idempotency_key', '=', entryId)
      .executeTakeFirstOrThrow();
    expect(outbox).toMatchObject({ tool: 'connector-social-sandbox:post', input: { campaign: 'spring-launch' } });
    // and the metrics pulled for the post land under the campaign too
    await pullSocialMetrics(
      {
        db: host.storage.db,
        callTool: host.callTool,
        manifest: (id: string) => host.registry.plugin(id)?.manifest,
        logger: silentLogger().logger,
      },
      { id: workspaceId, slug },
      { days: 7 },
    );
    const impression = await host.storage.db
      .selectFrom('result_events')
      .select(['campaign', 'value'])
      .where('workspace_id', '=', workspaceId)
      .where('kind', '=', 'impression')
      .where('message_id', '=', sent.message_id)
      .executeTakeFirstOrThrow();
    expect(impression).toEqual({ campaign: 'spring-launch', value: sandboxMetrics(sent.message_id!).impressions });
  });
});
