import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Host } from '../../src/host.js';
import { insertEvents } from '../../src/results/events.js';
import { LEARNING_TASK } from '../../src/results/learning.js';
import { type ScheduleRunner, SYSTEM_OWNER, startScheduleRunner } from '../../src/schedules/index.js';
import { buildApp } from '../../src/server/app.js';
import { bootHost, lockRoot, makeRoot, operatorInject, removeRoot, repoPlugin, silentLogger } from '../integration/helpers.js';

/**
 * The campaign ↔ results link is stored (campaign_results_links), set through the API or found by the learning
 * schedule (a results campaign named by the campaign's id or name), read by the campaign results API (listCampaigns'
 * `campaignIds`), and the learning schedule reallocates a linked campaign's budget from its results by itself.
 */
let root: string;
let host: Host;
let app: FastifyInstance;
let inject: FastifyInstance['inject'];
let workspaceId: string;
let runner: ScheduleRunner | undefined;
const owner = { type: 'user' as const, id: 'marketer', role: 'owner' as const };
const base = '/api/workspaces/shop/results/campaign-links';

beforeAll(async () => {
  root = makeRoot('campaign-links', [{ from: repoPlugin('agent-campaign'), link: true }]);
  await lockRoot(root);
  host = await bootHost(root);
  workspaceId = (await host.storage.service.createWorkspace({ slug: 'shop' })).id;
  await host.storage.service.enablePlugin('shop', 'agent-campaign');
}, 120_000);

afterAll(async () => {
  await runner?.close();
  await app?.close();
  await host?.close();
  removeRoot(root);
});

const linkRows = () => host.storage.db.selectFrom('campaign_results_links').selectAll().where('workspace_id', '=', workspaceId).execute();
const day = new Date();
const events = (campaign: string, variant: string, kind: string, n: number) =>
  Array.from({ length: n }, (_, k) => ({
    workspace_id: workspaceId,
    campaign,
    variant,
    channel: 'email',
    contact_id: null,
    kind,
    occurred_at: day,
    source: 'test',
    dedupe_key: `${campaign}:${variant}:${kind}:${k}`,
  }));

describe('the learning schedule and campaigns', () => {
  it('links a campaign to the results sent under its name and reallocates its budget from them, with a reason', async () => {
    const created = await host.callTool({
      workspace: 'shop',
      tool: 'agent-campaign:create_campaign',
      input: {
        name: 'Spring sale',
        goal: 'orders',
        audience: 'runners',
        channels: ['email'],
        budget: 1000,
        startDate: new Date(Date.now() - 86_400_000).toISOString().slice(0, 10),
        endDate: new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10),
      },
      actor: owner,
    });
    const campaignId = (created as { output: { campaignId: string } }).output.campaignId;
    for (const name of ['A', 'B'])
      await host.callTool({
        workspace: 'shop',
        tool: 'agent-campaign:add_variant',
        input: { campaignId, channel: 'email', name },
        actor: owner,
      });
    // the sends went out as "spring-sale" (the campaign's name as a slug): B clicks far more
    await insertEvents(host.storage.db, [
      ...events('spring-sale', 'A', 'sent', 400),
      ...events('spring-sale', 'A', 'clicked', 8),
      ...events('spring-sale', 'B', 'sent', 400),
      ...events('spring-sale', 'B', 'clicked', 60),
    ]);

    runner = await startScheduleRunner({
      service: host.schedules,
      callTool: (req) => host.callTool(req),
      logger: silentLogger().logger,
      tasks: host.systemTasks,
      pollMs: 200,
    });
    const row = () => host.schedules.store.byKey(workspaceId, SYSTEM_OWNER, LEARNING_TASK.tool);
    await vi.waitFor(async () => expect((await row())?.finished_at ?? null).not.toBeNull(), { timeout: 60_000, interval: 200 });
    const result = (await row())!.result as {
      campaigns: Array<{ campaignId: string; resultsCampaign: string; status: string; reason: string }>;
    };
    expect(result.campaigns).toEqual([
      { campaignId, resultsCampaign: 'spring-sale', status: 'reallocated', reason: expect.stringMatching(/\bB\b/) },
    ]);
    // the link was stored, found by name
    expect((await linkRows()).map((l) => [l.campaign_id, l.results_campaign, l.source])).toEqual([[campaignId, 'spring-sale', 'name']]);
    // the decision is in the campaign's history with its reason, and B got most of the budget
    const history = await host.callTool({
      workspace: 'shop',
      tool: 'agent-campaign:allocation_history',
      input: { campaignId },
      actor: owner,
    });
    const decisions = (history as { output: { decisions: Array<{ reason: string; arms: Array<{ label: string; share: number }> }> } })
      .output.decisions;
    expect(decisions).toHaveLength(1);
    expect(decisions[0]!.reason).toBe(result.campaigns[0]!.reason);
    expect(decisions[0]!.arms.find((a) => a.label === 'B')!.share).toBeGreaterThan(0.9);
  }, 120_000);
});

describe('campaign links through the API', () => {
  beforeAll(async () => {
    // the app starts its own schedule runner: after the schedule test above, which runs the first learning pass
    await runner?.close();
    runner = undefined;
    app = await buildApp(host);
    inject = operatorInject(app, host);
  }, 60_000);

  it('refuses bad input with a code and writes nothing', async () => {
    const bad: unknown[] = [
      {},
      { campaignId: 'cmp_1' },
      { campaignId: '', resultsCampaign: 'spring' },
      { campaignId: 'cmp_1', resultsCampaign: '   ' },
      { campaignId: 'cmp_1', resultsCampaign: 'x'.repeat(101) },
      { campaignId: 'cmp_1', resultsCampaign: 'spring', extra: true },
      { campaignId: 42, resultsCampaign: 'spring' },
    ];
    for (const payload of bad) {
      const res = await inject({ method: 'PUT', url: base, payload: payload as object });
      expect(res.statusCode, JSON.stringify(payload)).toBe(400);
      expect(res.json().error.code).toBe('NH_REQUEST_INVALID');
    }
    const del = await inject({ method: 'DELETE', url: `${base}?campaignId=cmp_1` });
    expect(del.statusCode).toBe(400);
    expect(del.json().error.code).toBe('NH_REQUEST_INVALID');
    const list = await inject({ method: 'GET', url: `${base}?campaignId=${'y'.repeat(101)}` });
    expect(list.statusCode).toBe(400);
    expect((await linkRows()).filter((l) => l.source === 'api')).toEqual([]);
  });

  it('links, lists (and listCampaigns names the campaign), and unlinks', async () => {
    await insertEvents(host.storage.db, events('autumn-results', '', 'sent', 2));
    const put = await inject({ method: 'PUT', url: base, payload: { campaignId: 'cmp_autumn', resultsCampaign: 'autumn-results' } });
    expect(put.statusCode, put.body).toBe(200);
    expect(put.json()).toMatchObject({ campaignId: 'cmp_autumn', resultsCampaign: 'autumn-results', source: 'api' });
    // the same link again is one row
    expect(
      (await inject({ method: 'PUT', url: base, payload: { campaignId: 'cmp_autumn', resultsCampaign: 'autumn-results' } })).statusCode,
    ).toBe(200);
    expect((await linkRows()).filter((l) => l.campaign_id === 'cmp_autumn')).toHaveLength(1);
    const list = await inject({ method: 'GET', url: `${base}?campaignId=cmp_autumn` });
    expect(list.json().links.map((l: { resultsCampaign: string }) => l.resultsCampaign)).toEqual(['autumn-results']);
    const campaigns = await inject({ method: 'GET', url: '/api/workspaces/shop/campaigns' });
    expect(campaigns.json().campaigns.find((c: { campaign: string }) => c.campaign === 'autumn-results').campaignIds).toEqual([
      'cmp_autumn',
    ]);

    const del = await inject({ method: 'DELETE', url: `${base}?campaignId=cmp_autumn&resultsCampaign=autumn-results` });
    expect(del.json()).toEqual({ removed: true });
    const again = await inject({ method: 'DELETE', url: `${base}?campaignId=cmp_autumn&resultsCampaign=autumn-results` });
    expect(again.json()).toEqual({ removed: false });
    expect((await linkRows()).filter((l) => l.campaign_id === 'cmp_autumn')).toEqual([]);
  });
});
