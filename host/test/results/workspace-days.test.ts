import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Host } from '../../src/host.js';
import { attribution, funnel } from '../../src/results/analytics.js';
import { insertEvents, type NewEvent } from '../../src/results/events.js';
import { reachToday } from '../../src/results/reader.js';
import { campaignSeries } from '../../src/results/series.js';
import { bootHost, lockRoot, makeRoot, removeRoot } from '../integration/helpers.js';
import { pgAdminQuery } from '../pg-admin.js';

/**
 * The results' days are the workspace's: an event counts on the day it happened in the workspace's time zone, through
 * both DST changes of a year (New York, 2027: 14 March springs forward, 7 November falls back), and a new zone moves
 * the results already recorded to its days (the daily counts rebuilt, a pulled metric's increase kept). On PGlite and
 * on PostgreSQL.
 */
const pgAdmin = process.env.NEONHUB_TEST_POSTGRES_URL;
const dialects = [{ name: 'PGlite' }, ...(pgAdmin ? [{ name: 'PostgreSQL' }] : [])];

describe.each(dialects)("results on the workspace's days on $name", ({ name }) => {
  let root: string;
  let host: Host;
  let workspaceId: string;
  let dbName = '';
  const env: NodeJS.ProcessEnv = {};

  beforeAll(async () => {
    if (name === 'PostgreSQL') {
      dbName = `nh_workspace_days_${process.pid}_${Date.now()}`;
      await pgAdminQuery(pgAdmin!, `create database ${dbName}`);
      env.DATABASE_URL = pgAdmin!.replace(/\/[^/]*$/, `/${dbName}`);
      env.NEONHUB_SECRET_KEY = randomBytes(32).toString('base64');
    }
    root = makeRoot(`workspace-days-${name}`, []);
    await lockRoot(root);
    host = await bootHost(root, { env });
  }, 180_000);

  /** Each test's own workspace, in New York. */
  let made = 0;
  beforeEach(async () => {
    workspaceId = (await host.storage.service.createWorkspace({ slug: `shop-${++made}` })).id;
    expect(await host.schedules.setTimeZone(workspaceId, 'America/New_York')).toBe('America/New_York');
  });

  afterAll(async () => {
    await host?.close();
    removeRoot(root);
    if (dbName) await pgAdminQuery(pgAdmin!, `drop database if exists ${dbName}`);
  });

  const event = (at: string, kind = 'clicked', extra: Partial<NewEvent> = {}): NewEvent => ({
    workspace_id: workspaceId,
    campaign: 'spring',
    variant: 'A',
    channel: 'email',
    contact_id: null,
    kind,
    occurred_at: new Date(at),
    source: 'test',
    dedupe_key: `${kind}:${at}`,
    ...extra,
  });
  const clicks = async (from: string, to: string) =>
    (await campaignSeries(host.storage.db, workspaceId, 'spring', { from, to })).series.find((s) => s.kind === 'clicked')?.values;

  /** Clicks around the spring-forward change (2027-03-14 in New York). */
  const springForward = () =>
    insertEvents(host.storage.db, [
      event('2027-03-14T04:30:00Z'), // 23:30 EST on the 13th
      event('2027-03-14T06:59:00Z'), // 01:59 EST on the 14th, the minute before the clocks go forward
      event('2027-03-14T07:00:00Z'), // 03:00 EDT on the 14th
      event('2027-03-15T03:59:00Z'), // 23:59 EDT on the 14th (a 23-hour day)
      event('2027-03-15T04:00:00Z'), // midnight EDT: the 15th
    ]);
  /** Clicks around the fall-back change (2027-11-07 in New York). */
  const fallBack = () =>
    insertEvents(host.storage.db, [
      event('2027-11-07T05:30:00Z'), // 01:30 EDT on the 7th
      event('2027-11-07T06:30:00Z'), // 01:30 EST on the 7th, the hour again
      event('2027-11-08T04:59:00Z'), // 23:59 EST on the 7th (a 25-hour day)
      event('2027-11-08T05:00:00Z'), // midnight EST: the 8th
    ]);

  it('in New York, an event counts on its New York day across the spring-forward change', async () => {
    await springForward();
    expect(await clicks('2027-03-13', '2027-03-15')).toEqual([1, 3, 1]);
  });

  it('and across the fall-back change: the repeated hour counts once per event, on its day', async () => {
    await fallBack();
    expect(await clicks('2027-11-06', '2027-11-08')).toEqual([0, 3, 1]);
    const f = await funnel(host.storage.db, workspaceId, 'spring', { from: '2027-11-07', to: '2027-11-07' });
    expect(f.totals.clicked).toBe(3);
  });

  it("a conversion is in a range by its day in the workspace's zone", async () => {
    const contact = (
      await host.storage.db
        .insertInto('contacts')
        .values({ workspace_id: workspaceId, email: 'ann@shop.test' })
        .returning('id')
        .executeTakeFirstOrThrow()
    ).id;
    await insertEvents(host.storage.db, [
      event('2027-06-01T03:00:00Z', 'clicked', { contact_id: contact }), // 23:00 EDT on 31 May
      event('2027-06-01T03:30:00Z', 'converted', { contact_id: contact, value: 10 }), // 23:30 EDT on 31 May
    ]);
    expect((await attribution(host.storage.db, workspaceId, 30, { from: '2027-05-31', to: '2027-05-31' })).conversions).toBe(1);
    expect((await attribution(host.storage.db, workspaceId, 30, { from: '2027-06-01', to: '2027-06-01' })).conversions).toBe(0);
  });

  it('a new zone moves the recorded results to its days; a pulled metric keeps its increase', async () => {
    await springForward();
    await fallBack();
    await insertEvents(host.storage.db, [
      event('2027-03-15T03:00:00Z', 'impression', {
        source: 'metrics:connector-social-sandbox',
        count: 40,
        data: { total: 40, previous: 0 },
      }),
    ]);
    const impressions = async (from: string, to: string) =>
      (await campaignSeries(host.storage.db, workspaceId, 'spring', { from, to })).series.find((s) => s.kind === 'impression')?.values;
    expect(await impressions('2027-03-14', '2027-03-15')).toEqual([40, 0]);

    await host.schedules.setTimeZone(workspaceId, 'UTC');
    expect(await clicks('2027-03-13', '2027-03-15')).toEqual([0, 3, 2]);
    expect(await clicks('2027-11-06', '2027-11-08')).toEqual([0, 2, 2]);
    expect(await impressions('2027-03-14', '2027-03-15')).toEqual([0, 40]);
    // and back: the same counts as before
    await host.schedules.setTimeZone(workspaceId, 'America/New_York');
    expect(await clicks('2027-03-13', '2027-03-15')).toEqual([1, 3, 1]);
    expect(await impressions('2027-03-14', '2027-03-15')).toEqual([40, 0]);
  });
});

describe("a plugin's range up to today reaches the workspace's today", () => {
  // 2027-03-15 11:30 UTC is already the 16th in Auckland (UTC+13) and still the 15th in New York
  const now = Date.parse('2027-03-15T11:30:00Z');
  it('east of UTC: a range to the UTC today also reads the zone’s today, keeping its length at the longest', () => {
    expect(reachToday({ from: '2027-03-01', to: '2027-03-15' }, 'Pacific/Auckland', now)).toEqual({ from: '2027-03-01', to: '2027-03-16' });
    const longest = reachToday({ from: '2026-02-09', to: '2027-03-15', kinds: ['sent'] }, 'Pacific/Auckland', now);
    expect(longest).toEqual({ from: '2026-02-10', to: '2027-03-16', kinds: ['sent'] });
  });
  it('a range that ends before today, or a zone west of UTC, is read as asked', () => {
    expect(reachToday({ from: '2027-03-01', to: '2027-03-14' }, 'Pacific/Auckland', now)).toEqual({ from: '2027-03-01', to: '2027-03-14' });
    expect(reachToday({ from: '2027-03-01', to: '2027-03-15' }, 'America/New_York', now)).toEqual({ from: '2027-03-01', to: '2027-03-15' });
    expect(reachToday({ from: '2027-03-01', to: '2027-03-15' }, 'UTC', now)).toEqual({ from: '2027-03-01', to: '2027-03-15' });
  });
});
