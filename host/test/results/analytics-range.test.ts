import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { linkCampaign } from '../../src/results/campaign-links.js';
import { insertEvents, type NewEvent } from '../../src/results/events.js';
import { bootAccounts, signup } from '../accounts/helpers.js';

/**
 * The console's analytics reads over a range of days (app.inject, PGlite): the funnel and the attribution count only
 * the days asked for, the funnel compares variants and channels with credible intervals and P(best), the series
 * splits by variant or channel with each group's own anomalies, and bad ranges answer 400 with a code, never a 500.
 * Twenty days of a campaign: variants A and B on e-mail and social, B's social clicks jump on 15 November.
 */
let b: Awaited<ReturnType<typeof bootAccounts>>;
let owner: Awaited<ReturnType<typeof signup>>;
let viewer: Awaited<ReturnType<typeof signup>>;
const SPIKE = '2026-11-15';

const get = async (url: string, auth = owner.auth) => {
  const r = await b.app.inject({ method: 'GET', url, headers: auth });
  return { status: r.statusCode, body: r.body ? JSON.parse(r.body) : undefined };
};
const ok = async (url: string, auth = owner.auth) => {
  const r = await get(url, auth);
  if (r.status !== 200) throw new Error(`${r.status} ${JSON.stringify(r.body)}`);
  return r.body;
};
const base = '/api/workspaces/shop';
const day = (d: number) => `2026-11-${String(d).padStart(2, '0')}`;

beforeAll(async () => {
  b = await bootAccounts({}, ['connector-email-sandbox']);
  owner = await signup(b.app, 'owner');
  viewer = await signup(b.app, 'viewer');
  const created = await b.app.inject({
    method: 'POST',
    url: '/api/workspaces',
    headers: owner.auth,
    payload: { slug: 'shop', name: 'Shop' },
  });
  const workspaceId = (created.json() as { workspace: { id: string } }).workspace.id;
  await b.app.inject({ method: 'POST', url: `${base}/members`, headers: owner.auth, payload: { email: viewer.email, role: 'viewer' } });
  const db = b.host.storage.db;
  const contact = await db
    .insertInto('contacts')
    .values({ workspace_id: workspaceId, email: 'ana@example.com' })
    .returning('id')
    .executeTakeFirstOrThrow();
  const events: NewEvent[] = [];
  const ev = (kind: string, d: number, variant: string, channel: string, count: number, extra: Partial<NewEvent> = {}) =>
    events.push({
      workspace_id: workspaceId,
      campaign: 'Boots',
      variant,
      channel,
      contact_id: null,
      kind,
      occurred_at: new Date(`${day(d)}T10:00:00Z`),
      source: 'test',
      count,
      ...extra,
    });
  for (let d = 1; d <= 20; d++)
    for (const variant of ['A', 'B'])
      for (const channel of ['email', 'social']) {
        ev('sent', d, variant, channel, 100);
        ev('delivered', d, variant, channel, 98);
        ev('opened', d, variant, channel, variant === 'A' ? 20 : 25);
        const clicks = variant === 'B' && channel === 'social' && day(d) === SPIKE ? 60 : variant === 'A' ? 2 + (d % 2) : 6 + (d % 2);
        ev('clicked', d, variant, channel, clicks);
      }
  // Ana clicks B by e-mail on the 3rd and A on social on the 12th; she converts on the 12th (42) and on the 18th (8)
  ev('clicked', 3, 'B', 'email', 1, { contact_id: contact.id, occurred_at: new Date(`${day(3)}T09:00:00Z`), dedupe_key: 'ana-c1' });
  ev('clicked', 12, 'A', 'social', 1, { contact_id: contact.id, occurred_at: new Date(`${day(12)}T08:00:00Z`), dedupe_key: 'ana-c2' });
  ev('converted', 12, 'A', 'social', 1, { contact_id: contact.id, value: 42, dedupe_key: 'ana-o1' });
  ev('converted', 18, 'A', 'social', 1, { contact_id: contact.id, value: 8, dedupe_key: 'ana-o2' });
  await insertEvents(db, events);
  await linkCampaign(db, workspaceId, 'cmp_boots', 'Boots', 'name');
}, 120_000);
afterAll(() => b?.close());

describe('analytics over a range of days', () => {
  it('the funnel counts only the days asked for; without a range, all of them', async () => {
    const all = await ok(`${base}/campaigns/Boots/funnel`);
    expect([all.from, all.to]).toEqual([null, null]);
    expect(all.totals.sent).toBe(20 * 4 * 100);
    const week = await ok(`${base}/campaigns/Boots/funnel?from=${day(1)}&to=${day(7)}`);
    expect([week.from, week.to]).toEqual([day(1), day(7)]);
    expect(week.totals.sent).toBe(7 * 4 * 100);
    expect(week.totals.delivered).toBe(7 * 4 * 98);
    // one bound only: from the 15th on
    const late = await ok(`${base}/campaigns/Boots/funnel?from=${SPIKE}`);
    expect(late.totals.sent).toBe(6 * 4 * 100);
    const early = await ok(`${base}/campaigns/Boots/funnel?to=${day(2)}`);
    expect(early.totals.sent).toBe(2 * 4 * 100);
    // a range with nothing in it: zeros, no rows
    const empty = await ok(`${base}/campaigns/Boots/funnel?from=2026-10-01&to=2026-10-31`);
    expect(empty.totals.sent).toBe(0);
    expect([empty.rows, empty.variants, empty.channels]).toEqual([[], [], []]);
  });

  it('compares variants and channels, each summed over the other, with intervals and P(best)', async () => {
    const f = await ok(`${base}/campaigns/Boots/funnel?from=${day(1)}&to=${day(10)}`);
    expect(f.variants.map((v: { key: string }) => v.key)).toEqual(['A', 'B']);
    expect(f.channels.map((v: { key: string }) => v.key).sort()).toEqual(['email', 'social']);
    const [a, bb] = f.variants;
    expect(a.counts.sent).toBe(10 * 2 * 100);
    expect(bb.counts.clicked).toBeGreaterThan(a.counts.clicked * 2);
    expect(bb.probabilityBest).toBeGreaterThan(0.99);
    expect(a.probabilityBest + bb.probabilityBest).toBeCloseTo(1, 5);
    expect(f.probabilityBest).toEqual({ A: a.probabilityBest, B: bb.probabilityBest });
    for (const v of [...f.variants, ...f.channels]) {
      expect(v.clickRate.low).toBeLessThan(v.clickRate.mean);
      expect(v.clickRate.high).toBeGreaterThan(v.clickRate.mean);
      expect(v.clickRate.trials).toBe(v.counts.sent);
    }
    // channels sum to the same totals as variants
    const sum = (xs: { counts: Record<string, number> }[], k: string) => xs.reduce((n, x) => n + x.counts[k]!, 0);
    for (const k of ['sent', 'clicked']) expect(sum(f.channels, k)).toBe(sum(f.variants, k));
  });

  it('splits the series by variant and by channel, each group with its own unusual days', async () => {
    const url = `${base}/campaigns/Boots/series?from=${day(1)}&to=${day(20)}`;
    const plain = await ok(url);
    expect(plain.breakdown).toBeNull();
    const byVariant = await ok(`${url}&by=variant`);
    expect(byVariant.breakdown.by).toBe('variant');
    expect(byVariant.breakdown.groups.map((g: { key: string }) => g.key)).toEqual(['A', 'B']);
    const clicks = (s: { series: { kind: string; values: number[] }[] }) => s.series.find((x) => x.kind === 'clicked')!.values;
    const total = clicks(plain);
    const [ga, gb] = byVariant.breakdown.groups;
    expect(total.map((_: number, i: number) => clicks(ga)[i]! + clicks(gb)[i]!)).toEqual(total);
    const flagged = (g: { series: { kind: string; anomalies: { day: string }[] }[] }) =>
      g.series.find((x) => x.kind === 'clicked')!.anomalies.map((a) => a.day);
    expect(flagged(gb)).toEqual([SPIKE]);
    expect(flagged(ga)).toEqual([]);
    const byChannel = await ok(`${url}&by=channel`);
    const social = byChannel.breakdown.groups.find((g: { key: string }) => g.key === 'social');
    expect(flagged(social)).toEqual([SPIKE]);
    expect(byChannel.days).toHaveLength(20);
  });

  it('days before the campaign began are not judged: its start is not an unusual jump', async () => {
    // a week with nothing, then the campaign's 20 days
    const s = await ok(`${base}/campaigns/Boots/series?from=2026-10-25&to=${day(20)}&by=variant`);
    expect(s.days).toHaveLength(27);
    for (const kind of ['sent', 'delivered', 'opened']) {
      const k = s.series.find((x: { kind: string }) => x.kind === kind);
      expect(k.values.slice(0, 7)).toEqual(Array(7).fill(0));
      expect(k.expected.slice(0, 7)).toEqual(Array(7).fill(0));
      expect([kind, k.anomalies]).toEqual([kind, []]);
    }
    const b = s.breakdown.groups.find((g: { key: string }) => g.key === 'B');
    expect(b.series.find((x: { kind: string }) => x.kind === 'clicked').anomalies.map((a: { day: string }) => a.day)).toEqual([SPIKE]);
  });

  it('attribution counts the conversions of the days asked for', async () => {
    const all = await ok(`${base}/attribution`);
    expect(all.conversions).toBe(2);
    expect([all.from, all.to]).toEqual([null, null]);
    const firstOnly = await ok(`${base}/attribution?from=${day(10)}&to=${day(14)}`);
    expect(firstOnly.conversions).toBe(1);
    // the conversion of the 12th: first touch B by e-mail (the 3rd), last touch A on social (the 12th), half each
    const row = (r: { rows: { channel: string }[] }, ch: string) => r.rows.find((x) => x.channel === ch);
    expect(row(firstOnly, 'email')).toMatchObject({ campaign: 'Boots', firstTouch: 1, lastTouch: 0, linear: 0.5, value: { linear: 21 } });
    expect(row(firstOnly, 'social')).toMatchObject({ firstTouch: 0, lastTouch: 1, linear: 0.5 });
    const later = await ok(`${base}/attribution?from=${day(15)}&to=${day(20)}`);
    expect(later.conversions).toBe(1);
    expect(later.rows.reduce((n: number, r: { value: { linear: number } }) => n + r.value.linear, 0)).toBeCloseTo(8);
    const none = await ok(`${base}/attribution?to=${day(11)}`);
    expect([none.conversions, none.rows]).toEqual([0, []]);
  });

  it('a viewer reads all of it', async () => {
    for (const url of [
      `${base}/campaigns/Boots/funnel?from=${day(1)}&to=${day(7)}`,
      `${base}/campaigns/Boots/series?from=${day(1)}&to=${day(7)}&by=channel`,
      `${base}/attribution?from=${day(1)}`,
      `${base}/results/campaign-links?campaignId=cmp_boots`,
    ])
      expect((await get(url, viewer.auth)).status).toBe(200);
  });

  it('bad ranges answer 400 with a code, never a 500', async () => {
    const cases: [string, string][] = [
      // not a day at all (the schema): NH_REQUEST_INVALID
      [`${base}/campaigns/Boots/funnel?from=yesterday`, 'NH_REQUEST_INVALID'],
      [`${base}/campaigns/Boots/funnel?to=2026-11-1`, 'NH_REQUEST_INVALID'],
      [`${base}/campaigns/Boots/funnel?from=2026-11-01&to=2026-11-07&extra=1`, 'NH_REQUEST_INVALID'],
      [`${base}/campaigns/Boots/series?by=contact`, 'NH_REQUEST_INVALID'],
      [`${base}/campaigns/Boots/series?from[]=2026-11-01`, 'NH_REQUEST_INVALID'],
      [`${base}/attribution?from=2026-11-01T00:00:00Z`, 'NH_REQUEST_INVALID'],
      [`${base}/attribution?windowDays=0`, 'NH_REQUEST_INVALID'],
      // days that look right but are not a range (the results reader): NH_RESULTS_RANGE_INVALID
      [`${base}/campaigns/Boots/funnel?from=2026-11-20&to=2026-11-01`, 'NH_RESULTS_RANGE_INVALID'],
      [`${base}/campaigns/Boots/funnel?from=2026-02-30`, 'NH_RESULTS_RANGE_INVALID'],
      [`${base}/campaigns/Boots/funnel?from=2020-01-01&to=2026-11-20`, 'NH_RESULTS_RANGE_INVALID'],
      [`${base}/campaigns/Boots/series?from=2026-11-20&to=2026-11-01&by=variant`, 'NH_RESULTS_RANGE_INVALID'],
      [`${base}/campaigns/Boots/series?to=2026-13-01`, 'NH_RESULTS_RANGE_INVALID'],
      [`${base}/attribution?from=2026-11-20&to=2026-11-01`, 'NH_RESULTS_RANGE_INVALID'],
      [`${base}/attribution?to=9999-99-99`, 'NH_RESULTS_RANGE_INVALID'],
    ];
    const got = await Promise.all(cases.map(async ([url]) => get(url)));
    expect(got.map((r, i) => [cases[i]![0], r.status, r.body?.error?.code])).toEqual(cases.map(([url, code]) => [url, 400, code]));
  });
});
