import { createDatabase, type Database, migrate, sql } from '@neonhub/db';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { funnelCounts } from '../../src/results/analytics.js';
import { insertEvents, type NewEvent } from '../../src/results/events.js';
import { pgAdminQuery } from '../pg-admin.js';

/**
 * The funnel reads the daily rollup (result_daily), which insertEvents keeps in the same transaction as the raw
 * events. For random sets of events — several campaigns, variants, channels and kinds, days around midnight UTC,
 * repeated dedupe keys inside a batch and across batches — the funnel from the rollup equals a plain COUNT over the
 * raw events, on PGlite and on PostgreSQL (where NEONHUB_TEST_POSTGRES_URL names one). Events that add more than one
 * (a pulled social metric's rise, `count`) are not raw rows one each, and are left out here.
 */
const pgAdmin = process.env.NEONHUB_TEST_POSTGRES_URL;
const dialects = [{ name: 'PGlite' }, ...(pgAdmin ? [{ name: 'PostgreSQL' }] : [])];

const CAMPAIGNS = ['spring', 'Spring', 'winter sale'];
const event = fc.record({
  campaign: fc.constantFrom(...CAMPAIGNS),
  variant: fc.constantFrom('', 'A', 'B', 'drf_1'),
  channel: fc.constantFrom('email', 'social', ''),
  kind: fc.constantFrom('sent', 'delivered', 'opened', 'clicked', 'converted', 'bounced'),
  // minutes from 2026-11-01T22:00Z: two days, crossing midnight UTC twice
  minute: fc.integer({ min: 0, max: 2 * 24 * 60 }),
  // a small pool of keys, so that some events repeat an earlier one (dropped, and not counted)
  key: fc.option(fc.integer({ min: 0, max: 30 }), { nil: undefined }),
});
const batches = fc.array(fc.array(event, { maxLength: 40 }), { minLength: 1, maxLength: 4 });

describe.each(dialects)('the rollup funnel equals a raw COUNT on $name', ({ name }) => {
  let database: Database;
  let dbName = '';
  const admin = (q: string) => pgAdminQuery(pgAdmin!, q);

  beforeAll(async () => {
    if (name === 'PostgreSQL') {
      dbName = `nh_rollup_funnel_${process.pid}_${Date.now()}`;
      await admin(`create database ${dbName}`);
      database = await createDatabase({ databaseUrl: pgAdmin!.replace(/\/[^/]*$/, `/${dbName}`) });
    } else database = await createDatabase({ memory: true });
    await migrate(database.db);
  }, 60_000);
  afterAll(async () => {
    await database?.close();
    if (dbName) await admin(`drop database if exists ${dbName}`);
  });

  it('for random event sets, per campaign, variant, channel and kind', async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(batches, async (sets) => {
        const db = database.db;
        // each run in a workspace of its own
        const ws = (
          await db
            .insertInto('workspaces')
            .values({ slug: `rollup-${run}`, name: 'r' })
            .returning('id')
            .executeTakeFirstOrThrow()
        ).id;
        run++;
        for (const set of sets) {
          const rows: NewEvent[] = set.map((e) => ({
            workspace_id: ws,
            campaign: e.campaign,
            variant: e.variant,
            channel: e.channel,
            contact_id: null,
            kind: e.kind,
            occurred_at: new Date(Date.parse('2026-11-01T22:00:00Z') + e.minute * 60_000),
            source: 'test',
            ...(e.key === undefined ? {} : { dedupe_key: `k${e.key}` }),
          }));
          await insertEvents(db, rows);
        }
        for (const campaign of CAMPAIGNS) {
          const rollup = await funnelCounts(db, ws, campaign);
          const raw = await sql<{ variant: string; channel: string; kind: string; n: string | number }>`
            select variant, channel, kind, count(*) as n from result_events
            where workspace_id = ${ws} and campaign = ${campaign}
            group by variant, channel, kind`.execute(db);
          const norm = (rs: ReadonlyArray<{ variant: string; channel: string; kind: string; n: string | number | null }>) =>
            rs.map((r) => `${r.variant}|${r.channel}|${r.kind}=${Number(r.n)}`).sort();
          expect(norm(rollup)).toEqual(norm(raw.rows));
        }
      }),
      { numRuns: 25, seed: 15_2026 },
    );
    expect(run).toBe(25);
  }, 300_000);
});
