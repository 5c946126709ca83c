import { createDatabase, type Database, migrate } from '@neonhub/db';
import { isNeonHubError } from '@neonhub/schemas';
import { createMemoryResults } from '@neonhub/sdk/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertEvents, recordProviderEvents } from '../../src/results/events.js';
import { createResultsReader } from '../../src/results/reader.js';
import { pgAdminQuery } from '../pg-admin.js';

/**
 * `ctx.results` (the SDK's ResultsReader) over result_daily, on PGlite and on PostgreSQL (where
 * NEONHUB_TEST_POSTGRES_URL names one): days come back as YYYY-MM-DD whatever the driver does with dates, the range
 * and filters apply, another workspace's rows never show, and the SDK's memory reader answers the same.
 */
const pgAdmin = process.env.NEONHUB_TEST_POSTGRES_URL;
const dialects = [{ name: 'PGlite' }, ...(pgAdmin ? [{ name: 'PostgreSQL' }] : [])];

describe.each(dialects)('results reader on $name', ({ name }) => {
  let database: Database;
  let dbName = '';
  const ids = { a: '', b: '' };
  const admin = (q: string) => pgAdminQuery(pgAdmin!, q);

  beforeAll(async () => {
    if (name === 'PostgreSQL') {
      dbName = `nh_results_reader_${process.pid}_${Date.now()}`;
      await admin(`create database ${dbName}`);
      database = await createDatabase({ databaseUrl: pgAdmin!.replace(/\/[^/]*$/, `/${dbName}`) });
    } else database = await createDatabase({ memory: true });
    await migrate(database.db);
    for (const k of ['a', 'b'] as const) {
      const row = await database.db
        .insertInto('workspaces')
        .values({ slug: `reader-${k}`, name: k })
        .returning('id')
        .executeTakeFirstOrThrow();
      ids[k] = row.id;
    }
    const ev = (ws: string, campaign: string, kind: string, at: string, variant = 'A') => ({
      workspace_id: ws,
      campaign,
      variant,
      channel: 'email',
      contact_id: null,
      kind,
      occurred_at: new Date(at),
      source: 'test',
    });
    await insertEvents(database.db, [
      ev(ids.a, 'Spring sale', 'sent', '2026-11-02T09:00:00Z'),
      ev(ids.a, 'Spring sale', 'sent', '2026-11-02T23:59:59Z'),
      ev(ids.a, 'Spring sale', 'clicked', '2026-11-03T00:00:00Z'),
      ev(ids.a, 'Spring sale', 'clicked', '2026-11-03T10:00:00Z', 'B'),
      ev(ids.a, 'Winter', 'sent', '2026-11-05T10:00:00Z'),
      ev(ids.b, 'Spring sale', 'sent', '2026-11-02T10:00:00Z'),
    ]);
  }, 60_000);
  afterAll(async () => {
    await database?.close();
    if (dbName) await admin(`drop database if exists ${dbName}`);
  });

  it('answers daily counts by UTC day, ordered, with filters, for its own workspace only', async () => {
    const reader = createResultsReader(database.db, ids.a);
    const all = await reader.daily({ from: '2026-11-01', to: '2026-11-30' });
    expect(all).toEqual([
      { campaign: 'Spring sale', variant: 'A', channel: 'email', kind: 'sent', day: '2026-11-02', count: 2 },
      { campaign: 'Spring sale', variant: 'A', channel: 'email', kind: 'clicked', day: '2026-11-03', count: 1 },
      { campaign: 'Spring sale', variant: 'B', channel: 'email', kind: 'clicked', day: '2026-11-03', count: 1 },
      { campaign: 'Winter', variant: 'A', channel: 'email', kind: 'sent', day: '2026-11-05', count: 1 },
    ]);
    expect(await reader.daily({ from: '2026-11-03', to: '2026-11-04' })).toHaveLength(2);
    expect((await reader.daily({ from: '2026-11-01', to: '2026-11-30', campaign: 'Winter' })).map((r) => r.kind)).toEqual(['sent']);
    expect((await reader.daily({ from: '2026-11-01', to: '2026-11-30', kinds: ['clicked'] })).map((r) => r.variant)).toEqual(['A', 'B']);
    expect(await reader.daily({ from: '2026-11-01', to: '2026-11-30', kinds: [] })).toEqual([]);
    expect((await reader.campaigns()).map((c) => c.campaign)).toEqual(['Winter', 'Spring sale']);
    const other = createResultsReader(database.db, ids.b);
    expect((await other.daily({ from: '2026-11-01', to: '2026-11-30' })).map((r) => r.count)).toEqual([1]);

    // the SDK's memory reader (plugin tests) answers the same for the same rows
    const memory = createMemoryResults(all);
    expect(await memory.daily({ from: '2026-11-01', to: '2026-11-30' })).toEqual(all);
    expect(await memory.daily({ from: '2026-11-01', to: '2026-11-30', kinds: ['clicked'] })).toEqual(
      all.filter((r) => r.kind === 'clicked'),
    );
    expect((await memory.campaigns()).map((c) => c.campaign)).toEqual(['Winter', 'Spring sale']);
  });

  it('counts a provider event dated after it was received (a clock ahead, the sandbox) on the day it came, not later', async () => {
    // a draft's send just now; its click reported at once but dated ahead — by the sandbox's simulated 3 minutes
    // (tomorrow when sent at 23:58 UTC) or by a provider clock running ahead — must count in a read up to today
    const before = Date.now();
    // Days are read from the clock, never assumed to be one: run across UTC midnight, the send is dated one day and
    // the events received a moment later the next (the read then reaches the day they were received).
    const dayOf = (t: number | Date) => new Date(t).toISOString().slice(0, 10);
    await insertEvents(database.db, [
      {
        workspace_id: ids.b,
        campaign: 'Ahead',
        channel: 'email',
        contact_id: null,
        kind: 'sent',
        occurred_at: new Date(before),
        message_id: 'ahead-1',
        content_id: 'drf_ahead',
        prompt_variant: 'benefit-first',
        source: 'test',
      },
    ]);
    const ahead = (ms: number) => new Date(before + ms).toISOString();
    const r = await recordProviderEvents(database.db, ids.b, [
      { id: 'ahead-open', type: 'opened', messageId: 'ahead-1', occurredAt: ahead(180_000), data: {} },
      { id: 'ahead-click', type: 'clicked', messageId: 'ahead-1', occurredAt: ahead(86_400_000), data: {} },
    ]);
    expect(r).toEqual({ recorded: 2, duplicates: 0, unmatched: 0 });
    const after = Date.now();
    const rows = await database.db
      .selectFrom('result_events')
      .select(['kind', 'occurred_at', 'content_id'])
      .where('workspace_id', '=', ids.b)
      .where('message_id', '=', 'ahead-1')
      .where('kind', '!=', 'sent')
      .execute();
    expect(rows).toHaveLength(2);
    for (const row of rows) {
      expect(row.content_id).toBe('drf_ahead');
      expect(new Date(row.occurred_at).getTime()).toBeGreaterThanOrEqual(before);
      expect(new Date(row.occurred_at).getTime()).toBeLessThanOrEqual(after);
    }
    const reader = createResultsReader(database.db, ids.b);
    const from = dayOf(before - 6 * 86_400_000);
    const to = dayOf(after);
    const received = Object.fromEntries(rows.map((row) => [row.kind, dayOf(new Date(row.occurred_at))]));
    const byContent = await reader.byContent!({ from, to, kinds: ['sent', 'clicked'] });
    expect(byContent.filter((c) => c.contentId === 'drf_ahead').map((c) => [c.kind, c.count])).toEqual([
      ['clicked', 1],
      ['sent', 1],
    ]);
    expect((await reader.daily({ from, to, campaign: 'Ahead' })).map((d) => [d.kind, d.day, d.count]).sort()).toEqual([
      ['clicked', received.clicked, 1],
      ['opened', received.opened, 1],
      ['sent', dayOf(before), 1],
    ]);
  });

  it('refuses a malformed or too long range with NH_RESULTS_RANGE_INVALID', async () => {
    const reader = createResultsReader(database.db, ids.a);
    for (const q of [
      { from: '2026-11', to: '2026-11-30' },
      { from: '2026-02-30', to: '2026-11-30' },
      { from: '2026-11-01', to: '1869-36-48' },
      { from: '2026-12-01', to: '2026-11-30' },
      { from: '2025-01-01', to: '2026-11-30' },
    ]) {
      const err = await reader.daily(q).catch((e: unknown) => e);
      expect(isNeonHubError(err) && err.code).toBe('NH_RESULTS_RANGE_INVALID');
    }
  });
});
