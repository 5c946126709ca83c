/**
 * bench/analytics/provider-events: recording 1,000 provider events (delivered / opened / clicked / unsubscribed,
 * matched to their sends by message id) one call per event — how the webhook path and the events API recorded them
 * before batching — against one `recordProviderEvents` batch (one transaction, set-based lookups, one multi-row
 * insert), on PGlite (in memory) and PostgreSQL side by side.
 *
 *   npx tsx bench/analytics/provider-events.ts [--events 1000]
 */
import { randomUUID } from 'node:crypto';
import { type DB, type Kysely, migrate } from '@neonhub/db';
import { type IncomingEvent, insertEvents, recordProviderEvents } from '../../host/src/results/events.js';
import { withPglite, withScratchPostgres } from '../scratch-db.js';

const i = process.argv.indexOf('--events');
const N = i >= 0 ? Number(process.argv[i + 1]) : 1000;
const TYPES = ['delivered', 'opened', 'clicked', 'unsubscribed'] as const;

async function setup(db: Kysely<DB>) {
  await migrate(db);
  const ws = await db
    .insertInto('workspaces')
    .values({ slug: `bench-${randomUUID().slice(0, 8)}`, name: 'bench' })
    .returning('id')
    .executeTakeFirstOrThrow();
  const sends = N / 2;
  const contacts = await db
    .insertInto('contacts')
    .values(Array.from({ length: sends }, (_, j) => ({ workspace_id: ws.id, email: `c${j}@bench.example` })))
    .returning('id')
    .execute();
  const at = new Date();
  await insertEvents(
    db,
    contacts.map((c, j) => ({
      workspace_id: ws.id,
      campaign: 'spring',
      variant: j % 2 ? 'A' : 'B',
      channel: 'email',
      contact_id: c.id,
      kind: 'sent',
      occurred_at: at,
      message_id: `m-${j}`,
      source: 'bench',
      dedupe_key: `sent:${j}`,
    })),
  );
  const events = (tag: string): IncomingEvent[] =>
    Array.from({ length: N }, (_, k) => ({
      id: `${tag}-${k}`,
      type: TYPES[k % TYPES.length]!,
      messageId: `m-${k % sends}`,
      recipient: `c${k % sends}@bench.example`,
      occurredAt: at.toISOString(),
      data: {},
    }));
  return { ws: ws.id, events };
}

async function measure(label: string, db: Kysely<DB>) {
  const { ws, events } = await setup(db);
  let t = performance.now();
  for (const e of events('one')) await recordProviderEvents(db, ws, [e]);
  const one = performance.now() - t;
  t = performance.now();
  const r = await recordProviderEvents(db, ws, events('batch'));
  const batch = performance.now() - t;
  if (r.recorded !== N) throw new Error(`expected ${N} recorded, got ${JSON.stringify(r)}`);
  console.log(
    `${label.padEnd(10)} ${N} events: one call per event ${(one / 1000).toFixed(2)} s, one batch ${(batch / 1000).toFixed(3)} s (${(one / batch).toFixed(0)}x)`,
  );
}

await withPglite((d) => measure('pglite', d.db));
await withScratchPostgres('neonhub_bench_events', (d) => measure('postgres', d.db));
