import { randomUUID } from 'node:crypto';
import { type DB, type Kysely, sql } from '@neonhub/db';
import type { Logger } from 'pino';

/** How long a host may trust its record cache after a heartbeat through its LISTEN connection (docs/data.md, "Several hosts: cached records"). */
export const RECORD_LEASE_MS = 3000;
/** A host renews its lease this often (three tries per lease). */
const RENEW_EVERY_MS = RECORD_LEASE_MS / 3;
/** A host stops trusting its cache this much before its lease ends in the database (clock rates, timer lateness). */
const LOCAL_MARGIN_MS = 250;
/** A writer waits this much past a silent host's lease end before it returns. */
const WRITER_MARGIN_MS = 50;

const BARRIER = '!b:';
const ACK = '!a:';

type Query = (text: string, values?: unknown[]) => Promise<Record<string, unknown>[]>;

/**
 * Freshness of cached plugin records across hosts sharing a PostgreSQL database (docs/data.md, "Several hosts: cached records").
 *
 * - Lease: every `RENEW_EVERY_MS` this host upserts `host_leases(host_id, lease_until = now + RECORD_LEASE_MS)`
 *   THROUGH ITS LISTEN CONNECTION. It trusts its cache only until `(when it sent the last successful renewal) +
 *   lease - margin` and while that connection is up; otherwise `trusted()` is false and reads go to the database.
 *   A renewal that completes after a lapse resets the cache first. Because the server hands a connection its pending
 *   notifications before it reports a query done, a renewal that ran after a write committed has delivered that
 *   write's invalidation: a host that renews after a writer looked at the leases is current.
 * - Barrier: after committing a write of a cached collection, the writer NOTIFYs `!b:<id>` and, in the same
 *   statement, reads the other hosts' live leases. Each host acknowledges a barrier (`!a:<id>:<host>`) when its
 *   listener reads it, i.e. after it dropped everything notified before (notifications arrive in commit order). The
 *   writer returns when every host with a live lease acknowledged or its lease ended (it then no longer trusts its
 *   cache): at most RECORD_LEASE_MS + WRITER_MARGIN_MS after the commit. A writer that cannot read the leases waits
 *   that full bound.
 */
export function createRecordFreshness(opts: {
  db: Kysely<DB>;
  channel: string;
  logger: Logger;
  /** The cache must forget everything (this host's lease lapsed, so it may have missed invalidations). */
  reset(): void;
}) {
  const hostId = randomUUID();
  let query: Query | undefined;
  /** performance.now() until which the cache may be trusted; 0 = not now. */
  let trustedUntil = 0;
  let timer: NodeJS.Timeout | undefined;
  let renewing = false;
  let closed = false;
  const waiters = new Map<string, (host: string) => void>();

  const lapse = () => {
    if (trustedUntil !== 0) {
      trustedUntil = 0;
      opts.reset();
    }
  };

  const renew = async () => {
    const q = query;
    if (!q || renewing || closed) return;
    renewing = true;
    const sentAt = performance.now();
    try {
      await q(
        `insert into host_leases (host_id, lease_until) values ($1, clock_timestamp() + $2 * interval '1 millisecond')
         on conflict (host_id) do update set lease_until = excluded.lease_until`,
        [hostId, RECORD_LEASE_MS],
      );
      if (query !== q || closed) return; // the connection was lost meanwhile: wait for the next one
      // a lapse since the last renewal may have let a writer return without this host: start from an empty cache
      if (performance.now() >= trustedUntil) lapse();
      trustedUntil = sentAt + RECORD_LEASE_MS - LOCAL_MARGIN_MS;
    } catch (err) {
      opts.logger.debug({ err }, 'record cache lease not renewed: cached records are read through until it is');
    } finally {
      renewing = false;
    }
  };

  return {
    hostId,
    /** Whether cached records may be answered from memory now (a live lease over a live LISTEN connection). */
    trusted(): boolean {
      if (trustedUntil === 0) return false;
      if (performance.now() < trustedUntil) return true;
      lapse();
      return false;
    },
    /** The LISTEN connection came up (a query on it) or went down. */
    connected(q: Query | undefined): void {
      query = q;
      if (!q) {
        lapse();
        return;
      }
      void renew();
      if (!timer && !closed) {
        timer = setInterval(() => void renew(), RENEW_EVERY_MS);
        timer.unref();
      }
    },
    /** Handles a barrier or an acknowledgement on the channel; false for anything else (a record's key). */
    message(payload: string): boolean {
      if (payload.startsWith(BARRIER)) {
        const q = query;
        if (q) {
          q('select pg_notify($1, $2)', [opts.channel, `${ACK}${payload.slice(BARRIER.length)}:${hostId}`]).catch((err) =>
            opts.logger.debug({ err }, 'record cache barrier not acknowledged'),
          );
        }
        return true;
      }
      if (payload.startsWith(ACK)) {
        const rest = payload.slice(ACK.length);
        const at = rest.lastIndexOf(':');
        waiters.get(rest.slice(0, at))?.(rest.slice(at + 1));
        return true;
      }
      return false;
    },
    /**
     * After a write of a cached record committed: returns when every other host with a live lease has dropped its
     * copy or stopped trusting its cache (bounded by RECORD_LEASE_MS + WRITER_MARGIN_MS; never throws).
     */
    async barrier(): Promise<void> {
      const id = randomUUID();
      const acked = new Set<string>();
      const waiting = new Map<string, () => void>();
      waiters.set(id, (host) => {
        acked.add(host);
        waiting.get(host)?.();
      });
      try {
        let live: { host_id: string; remaining_ms: number }[];
        try {
          const r = await sql<{ host_id: string; remaining_ms: number }>`
            select host_id, extract(epoch from (lease_until - clock_timestamp())) * 1000 as remaining_ms,
              (select pg_notify(${opts.channel}, ${BARRIER + id})) as notified
            from host_leases where lease_until > clock_timestamp() and host_id <> ${hostId}`.execute(opts.db);
          live = r.rows;
        } catch (err) {
          opts.logger.warn({ err }, 'could not read the hosts to wait for after a cached record was written: waiting a lease');
          await sleep(RECORD_LEASE_MS + WRITER_MARGIN_MS);
          return;
        }
        await Promise.all(
          live
            .filter((h) => !acked.has(h.host_id))
            .map(
              (h) =>
                new Promise<void>((resolve) => {
                  const t = setTimeout(resolve, Math.max(0, Number(h.remaining_ms)) + WRITER_MARGIN_MS);
                  waiting.set(h.host_id, () => {
                    clearTimeout(t);
                    resolve();
                  });
                }),
            ),
        );
      } finally {
        waiters.delete(id);
      }
    },
    /** Stops renewing and gives the lease back (writers stop waiting for this host at once). */
    async close(): Promise<void> {
      closed = true;
      if (timer) clearInterval(timer);
      trustedUntil = 0;
      await sql`delete from host_leases where host_id = ${hostId}`.execute(opts.db).catch(() => {});
    },
  };
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export type RecordFreshness = ReturnType<typeof createRecordFreshness>;
