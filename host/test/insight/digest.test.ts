import { simulateCampaignWeek } from '@neonhub/sdk/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertEvents } from '../../src/results/events.js';
import { bootAccounts, signup } from '../accounts/helpers.js';

/**
 * The insight agent on a real host (PGlite, app.inject): four simulated weeks of a campaign with a click spike on
 * Thursday 26 November are stored as result events; the results API marks that day in the campaign's series, and
 * the weekly digest goes out through the sandbox e-mail connector (the host's outbox holds it) naming the anomaly in
 * words, then plans next week's digest on the workspace calendar.
 */
let b: Awaited<ReturnType<typeof bootAccounts>>;
let owner: Awaited<ReturnType<typeof signup>>;
const plugins = ['connector-email-sandbox', 'agent-insight'];
const START = '2026-11-02';

const req = async (method: string, url: string, payload?: unknown) => {
  const r = await b.app.inject({
    method: method as 'GET',
    url,
    headers: owner.auth,
    ...(payload === undefined ? {} : { payload: payload as object }),
  });
  return { status: r.statusCode, body: r.body ? JSON.parse(r.body) : undefined };
};
const ok = async (p: ReturnType<typeof req>) => {
  const r = await p;
  if (r.status >= 300) throw new Error(`${r.status} ${JSON.stringify(r.body)}`);
  return r.body;
};

beforeAll(async () => {
  b = await bootAccounts({}, plugins);
  owner = await signup(b.app, 'owner');
  const { workspace } = await ok(req('POST', '/api/workspaces', { slug: 'shop', name: 'Shop' }));
  for (const p of plugins) await ok(req('POST', `/api/workspaces/shop/plugins/${p}/enable`));
  const week = await simulateCampaignWeek({
    seed: 'digest',
    variants: [
      { id: 'A', clickRate: 0.03 },
      { id: 'B', clickRate: 0.05 },
    ],
    days: 28,
    start: START,
    sendsPerDay: 300,
    campaign: 'Spring sale',
    anomalies: [{ day: 24, kind: 'clicked', factor: 4 }],
  });
  const events = week.events.map((e) => ({
    workspace_id: workspace.id as string,
    campaign: e.campaign,
    variant: e.variant,
    channel: e.channel,
    contact_id: null,
    kind: e.type,
    occurred_at: new Date(e.occurredAt),
    message_id: e.messageId,
    source: 'simulation',
    dedupe_key: `sim:${e.id}`,
  }));
  for (let i = 0; i < events.length; i += 2000) await insertEvents(b.host.storage.db, events.slice(i, i + 2000));
}, 240_000);
afterAll(() => b?.close());

describe('insight on stored results', () => {
  it("the results API marks the injected day in the campaign's click series", async () => {
    const s = await ok(req('GET', '/api/workspaces/shop/campaigns/Spring%20sale/series?from=2026-11-02&to=2026-11-29'));
    expect(s.days).toHaveLength(28);
    expect(s.series.map((x: { kind: string }) => x.kind)).toEqual(['sent', 'delivered', 'opened', 'clicked', 'converted']);
    const clicks = s.series.find((x: { kind: string }) => x.kind === 'clicked');
    expect(clicks.anomalies.map((a: { day: string; direction: string }) => [a.day, a.direction])).toEqual([['2026-11-26', 'high']]);
    expect(clicks.values[24]).toBe(clicks.anomalies[0].value);
    expect(clicks.expected[24]).toBeLessThan(clicks.values[24] / 2);
    const sent = s.series.find((x: { kind: string }) => x.kind === 'sent');
    expect(sent.anomalies).toEqual([]);
    const bad = await req('GET', '/api/workspaces/shop/campaigns/Spring%20sale/series?from=2020-01-01&to=2026-11-29');
    expect([bad.status, bad.body.error.code]).toEqual([400, 'NH_RESULTS_RANGE_INVALID']);
    const impossible = await req('GET', '/api/workspaces/shop/campaigns/Spring%20sale/series?to=1869-36-48');
    expect([impossible.status, impossible.body.error.code]).toEqual([400, 'NH_RESULTS_RANGE_INVALID']);
  });

  it('without recipients the digest says where to set them', async () => {
    const r = await req('POST', '/api/workspaces/shop/tools/agent-insight:send_digest/call', { input: { asOf: '2026-11-29' } });
    expect(r.body.error.code).toBe('NH_INSIGHT_DIGEST_NO_ROUTE');
    expect(r.body.error.message).toContain('recipients');
  });

  it('the weekly digest goes out through the sandbox e-mail connector, naming the anomaly in words, and plans the next one', async () => {
    await ok(
      req('PUT', '/api/workspaces/shop/plugins/agent-insight/config', {
        config: { digest: { enabled: true, recipients: ['team@example.com'], day: 'monday', time: '09:00', timeZone: 'Europe/Paris' } },
      }),
    );
    const call = await ok(req('POST', '/api/workspaces/shop/tools/agent-insight:send_digest/call', { input: { asOf: '2026-11-29' } }));
    const out = call.output ?? call.result ?? call;
    expect(out.status).toBe('sent');
    expect(out.via).toBe('connector-email-sandbox:send');
    expect(out.subject).toBe('Weekly results 23 Nov 2026 – 29 Nov 2026: 1 thing to look at');

    // the host's outbox holds the message the connector delivered
    const { messages } = await ok(req('GET', '/api/workspaces/shop/outbox'));
    const digest = messages.find((m: { tool: string }) => m.tool === 'connector-email-sandbox:send');
    expect(digest).toMatchObject({ status: 'delivered', recipients: ['team@example.com'] });
    const { message } = await ok(req('GET', `/api/workspaces/shop/outbox/${digest.id}`));
    const text: string = message.input.text;
    expect(message.input.subject).toBe(out.subject);
    expect(text).toMatch(
      /Spring sale: clicks jumped on Thursday 26 November: \d+ instead of about \d+ \(\+\d+%\)\. The click rate was [\d.]+% against a usual [\d.]+%/,
    );
    expect(text).toContain('Next week');
    expect(text).toMatch(/Clicks: about [\d,]+ next week \(likely between [\d,]+ and [\d,]+\)/);
    expect(text).not.toMatch(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/); // no ids for a marketer

    // next Monday 09:00 in Paris is on the workspace calendar
    const { schedules } = await ok(
      req(
        'GET',
        `/api/workspaces/shop/schedules?from=${new Date().toISOString()}&to=${new Date(Date.now() + 9 * 86_400_000).toISOString()}`,
      ),
    );
    const next = schedules.filter((s: { tool: string }) => s.tool === 'agent-insight:send_digest');
    expect(next).toHaveLength(1);
    expect(next[0]).toMatchObject({ status: 'scheduled', title: 'Weekly results digest', timeZone: 'Europe/Paris', channel: 'email' });
    const at = new Date(next[0].runAt);
    expect(at.getUTCDay()).toBe(1);
    expect(new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Paris', hour: '2-digit', minute: '2-digit' }).format(at)).toBe('09:00');
    expect(out.next.runAt).toBe(next[0].runAt);

    // switched off: the planned digest is cancelled
    await ok(req('PUT', '/api/workspaces/shop/plugins/agent-insight/config', { config: { digest: { enabled: false } } }));
    const off = await ok(req('POST', '/api/workspaces/shop/tools/agent-insight:schedule_digest/call', { input: {} }));
    expect(off.output ?? off.result ?? off).toEqual({ status: 'off', cancelled: true });
  });
});
