import { type ResendFake, startResendFake } from '@neonhub/fakes';
import { simulateCampaignWeek } from '@neonhub/sdk/testing';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Host } from '../../src/host.js';
import { buildApp } from '../../src/server/app.js';
import { bootHost, lockRoot, makeRoot, operatorInject, removeRoot, repoPlugin } from '../integration/helpers.js';

/**
 * Provider events close the loop, end to end on PGlite: a segment send through a real connector (connector-resend,
 * its official client, against the Resend fake on a loopback port) records `sent` per recipient; the fake's
 * Svix-signed webhooks (delivered, opened, clicked, complained) arrive at /hooks/connector-resend/<connection>, are
 * stored once in connector_events, and land in the results under the send's campaign, variant, channel and contact —
 * and in the funnel. A replayed webhook counts once; an event about a message no campaign sent stays out.
 */
let root: string;
let host: Host;
let app: FastifyInstance;
let op: FastifyInstance['inject'];
let fake: ResendFake;
let connectionId: string;
let workspaceId: string;

// biome-ignore lint/suspicious/noExplicitAny: API answers are checked field by field below
const json = async (p: PromiseLike<{ statusCode: number; body: string; json(): any }>) => {
  const r = await p;
  if (r.statusCode >= 300)
    throw new Error(
      `${r.statusCode} ${r.body} ${JSON.stringify((host as unknown as { records: object[] }).records.filter((x) => 'err' in x).slice(-1))}`,
    );
  return r.json();
};
const webhook = (type: Parameters<ResendFake['event']>[0], emailId: string, svixId?: string) => {
  const { headers, body } = fake.sign(fake.event(type, emailId), svixId ? { id: svixId } : {});
  return app.inject({ method: 'POST', url: `/hooks/connector-resend/${connectionId}`, payload: body, headers });
};

beforeAll(async () => {
  fake = await startResendFake();
  root = makeRoot('webhook-results', [
    { from: repoPlugin('connector-resend'), link: true },
    { from: repoPlugin('agent-campaign'), link: true },
  ]);
  await lockRoot(root);
  host = await bootHost(root);
  app = await buildApp(host, { accounts: { github: null } });
  await app.ready();
  op = operatorInject(app, host);
  const ws = await host.storage.service.createWorkspace({ slug: 'shop' });
  workspaceId = ws.id;
  await host.storage.service.enablePlugin('shop', 'connector-resend', { baseUrl: fake.url });
  await host.storage.service.enablePlugin('shop', 'agent-campaign');
  await host.storage.outbound.set('shop', { allow: [new URL(fake.url).host] });
  const conn = await host.storage.connections.add(
    workspaceId,
    {
      plugin: 'connector-resend',
      label: 'main',
      fields: { apiKey: fake.apiKey, webhookSecret: fake.webhookSecret, from: 'news@shop.test' },
    },
    'system',
  );
  connectionId = conn.id;
}, 180_000);

afterAll(async () => {
  await app?.close();
  await host?.close();
  await fake?.close();
  removeRoot(root);
});

describe('webhook events into results', () => {
  it('delivered, opened, clicked and complained land per campaign, variant, channel and contact, and in the funnel', async () => {
    const contacts: Record<string, string> = {};
    for (const email of ['ana@shop.test', 'bob@shop.test', 'cy@shop.test']) {
      const c = await json(op({ method: 'POST', url: '/api/workspaces/shop/contacts', payload: { email } }));
      contacts[email] = c.contact.id;
    }
    const { segment } = await json(op({ method: 'POST', url: '/api/workspaces/shop/segments', payload: { name: 'everyone', rule: {} } }));
    const sent = await json(
      op({
        method: 'POST',
        url: `/api/workspaces/shop/segments/${segment.id}/send`,
        payload: {
          tool: 'connector-resend:send',
          campaign: 'spring',
          variant: 'B',
          input: { subject: 'Spring sale', text: 'Our spring sale: {{link:https://shop.test/sale}}' },
        },
      }),
    );
    expect(sent).toMatchObject({ recipients: 3, sent: 3, refused: [] });
    expect(fake.sent).toHaveLength(3);
    const idOf = (email: string) => fake.sent.find((e) => e.to.includes(email))!.id;

    for (const email of Object.keys(contacts)) expect((await webhook('email.delivered', idOf(email))).statusCode).toBe(200);
    await webhook('email.opened', idOf('ana@shop.test'), 'msg_open_ana');
    await webhook('email.opened', idOf('bob@shop.test'));
    await webhook('email.clicked', idOf('ana@shop.test'));
    await webhook('email.complained', idOf('cy@shop.test'));
    // the provider redelivers one (same svix-id): stored once, counted once
    const replay = await webhook('email.opened', idOf('ana@shop.test'), 'msg_open_ana');
    expect(replay.json()).toEqual({ received: 1, stored: 0 });
    // a message no campaign sent: kept as a connector event, not a result
    await webhook('email.delivered', '6f0b3c1e-0000-4000-8000-000000000000');

    const funnel = await json(op({ method: 'GET', url: '/api/workspaces/shop/campaigns/spring/funnel' }));
    expect(funnel.rows).toHaveLength(1);
    expect(funnel.rows[0]).toMatchObject({ variant: 'B', channel: 'email' });
    expect(funnel.rows[0].counts).toMatchObject({ sent: 3, delivered: 3, opened: 2, clicked: 1, complained: 1 });
    expect(funnel.totals).toMatchObject({ sent: 3, delivered: 3, opened: 2, clicked: 1 });

    const rows = await host.storage.db
      .selectFrom('result_events')
      .select(['kind', 'contact_id', 'message_id', 'source', 'campaign', 'variant', 'channel', 'day'])
      .where('workspace_id', '=', workspaceId)
      .where('source', '=', 'webhook:connector-resend')
      .execute();
    expect(rows).toHaveLength(7);
    const clicked = rows.find((r) => r.kind === 'clicked')!;
    expect(clicked).toMatchObject({
      contact_id: contacts['ana@shop.test'],
      message_id: idOf('ana@shop.test'),
      campaign: 'spring',
      variant: 'B',
      channel: 'email',
    });
    expect(rows.every((r) => r.message_id !== '6f0b3c1e-0000-4000-8000-000000000000')).toBe(true);
    // the complaint also suppressed the address
    const suppressions = await json(op({ method: 'GET', url: '/api/workspaces/shop/suppressions' }));
    expect(JSON.stringify(suppressions)).toContain('cy@shop.test');
  });
});

describe('the campaign agent learns from the stored results', () => {
  it('a simulated week posted as events moves the budget to the better variant, read through ctx.results in the host', async () => {
    const week = await simulateCampaignWeek({
      seed: 5,
      campaign: 'winter',
      variants: [
        { id: 'A', clickRate: 0.04 },
        { id: 'B', clickRate: 0.16 },
      ],
      openRate: 0.5,
      sendsPerDay: 40,
    });
    const events = week.events.map(({ day: _day, ...e }) => e);
    for (let i = 0; i < events.length; i += 1000) {
      const r = await json(op({ method: 'POST', url: '/api/workspaces/shop/events', payload: { events: events.slice(i, i + 1000) } }));
      expect(r.unmatched).toBe(0);
    }
    const funnel = await json(op({ method: 'GET', url: '/api/workspaces/shop/campaigns/winter/funnel' }));
    for (const v of ['A', 'B']) expect(funnel.rows.find((r: { variant: string }) => r.variant === v).counts).toMatchObject(week.totals[v]!);

    const actor = { type: 'user' as const, id: 'owner-1', role: 'owner' as const };
    const call = async (tool: string, input: unknown) => {
      const r = await host.callTool({ workspace: 'shop', tool, input, actor });
      if (r.status !== 'ok') throw new Error(`${tool}: ${r.status}`);
      return r.output as Record<string, unknown>;
    };
    const campaign = await call('agent-campaign:create_campaign', {
      name: 'Winter sale',
      goal: 'clicks',
      audience: 'subscribers',
      channels: ['email'],
      budget: 5000,
      startDate: week.days[0]!.date,
      endDate: '2026-12-31',
    });
    const decision = (await call('agent-campaign:reallocate', {
      campaignId: campaign.campaignId,
      resultsCampaign: 'winter',
      seed: 'host',
    })) as { arms: Array<{ key: string; share: number; trials: number; successes: number }>; reason: string };
    expect(decision.arms.map((a) => [a.key, a.trials, a.successes])).toEqual([
      ['A', week.totals.A!.sent, week.totals.A!.clicked],
      ['B', week.totals.B!.sent, week.totals.B!.clicked],
    ]);
    expect(decision.arms[1]!.share).toBeGreaterThanOrEqual(0.9);
    expect(decision.reason).toMatch(/^B gets \d+%: its click rate/);
    const history = (await call('agent-campaign:allocation_history', { campaignId: campaign.campaignId })) as {
      decisions: Array<{ reason: string }>;
    };
    expect(history.decisions[0]!.reason).toBe(decision.reason);
  });
});
