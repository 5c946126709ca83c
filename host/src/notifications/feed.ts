import type { DB, Kysely } from '@neonhub/db';
import { sql } from '@neonhub/db';

/**
 * How far back each look at a feed read by time reaches again: rows stamped before they commit (two hosts, two
 * workers, or two rows in one millisecond) may land behind a look that already passed their time.
 */
export const FEED_OVERLAP_MS = 5000;

/** Rows a feed reads per query; a look reads page after page until a short one (keyset on the feed's order). */
export const FEED_PAGE = 100;

/**
 * The start of the oldest transaction still open on the database (another session's; the same role's sessions, or
 * every session for a role with pg_read_all_stats), or undefined when none is. A row stamped with `now()` (its
 * transaction's start) that no read can see yet belongs to such a transaction, so a feed that reads from before this
 * time cannot pass it, however long it is held open. PGlite is one connection: never any.
 */
export async function oldestOpenTransaction(db: Kysely<DB>): Promise<Date | undefined> {
  const r = await sql<{ started: Date | string | null }>`select min(xact_start) as started from pg_stat_activity
    where datname = current_database() and pid <> pg_backend_pid() and xact_start is not null`.execute(db);
  const started = r.rows[0]?.started;
  return started ? new Date(started) : undefined;
}

/**
 * A feed read by time with an overlap, so a row that committed late is not lost behind the cursor. `since(open)` is
 * the bound of a look: the newest time seen less the overlap, moved back to the start of the oldest transaction open
 * now or at the previous look (one that committed in between is read at this one); never before the feed's start.
 * `fresh(key, at)` says whether a row is new (and moves the cursor); `forget()` drops the keys no look can return again.
 */
export function overlappingFeed(start: Date) {
  let cursor = start;
  let openBefore: Date | undefined;
  let bound = new Date(start.getTime() - FEED_OVERLAP_MS);
  const seen = new Map<string, number>();
  return {
    since(open?: Date): Date {
      let b = cursor.getTime() - FEED_OVERLAP_MS;
      for (const o of [openBefore, open]) if (o && o.getTime() - 1 < b) b = o.getTime() - 1;
      openBefore = open;
      bound = new Date(Math.max(b, start.getTime() - FEED_OVERLAP_MS));
      return bound;
    },
    fresh(key: string, at: Date): boolean {
      if (at > cursor) cursor = at;
      if (seen.has(key)) return false;
      seen.set(key, at.getTime());
      return true;
    },
    forget() {
      for (const [k, t] of seen) if (t < bound.getTime()) seen.delete(k);
    },
  };
}

/**
 * Every row of a feed from one bound, page by page: `read(last)` returns up to FEED_PAGE rows after `last` (the last
 * row of the page before; undefined for the first) in the feed's order. However many rows were seen already, each look
 * reaches the newest.
 */
export async function* allPages<T>(read: (last: T | undefined) => Promise<T[]>): AsyncGenerator<T> {
  let last: T | undefined;
  for (;;) {
    const rows = await read(last);
    yield* rows;
    if (rows.length < FEED_PAGE) return;
    last = rows.at(-1);
  }
}
