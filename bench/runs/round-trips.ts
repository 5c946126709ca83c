/**
 * Counts what a side of the runs benchmark sends to its servers, client-side, in this process: PostgreSQL
 * statements (each `pg` query is one round trip; BEGIN and COMMIT count as statements), PostgreSQL commits (a
 * statement outside BEGIN ... COMMIT, or a COMMIT: each one a WAL flush when it wrote), and Redis round trips (a
 * command sent alone, or a whole pipeline/MULTI, including the workers' blocking fetches) and commands.
 */
import { createRequire } from 'node:module';
import pg from 'pg';

const requireFromQueue = createRequire(new URL('../../core/queue/package.json', import.meta.url));

export interface Counts {
  pgStatements: number;
  pgCommits: number;
  redisRoundTrips: number;
  redisCommands: number;
}

const counts: Counts = { pgStatements: 0, pgCommits: 0, redisRoundTrips: 0, redisCommands: 0 };
let installed = false;

/** Patches `pg.Client#query` and ioredis' `sendCommand` (the instances the queue and the database use) to count. */
export function installCounters(): void {
  if (installed) return;
  installed = true;
  const query = pg.Client.prototype.query;
  const inTx = new WeakSet<pg.Client>();
  pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
    counts.pgStatements++;
    const text = (typeof args[0] === 'string' ? args[0] : ((args[0] as { text?: string } | undefined)?.text ?? '')).trim().toLowerCase();
    if (text.startsWith('begin')) inTx.add(this);
    else if (text.startsWith('commit') || text.startsWith('rollback')) {
      inTx.delete(this);
      if (text.startsWith('commit')) counts.pgCommits++;
    } else if (!inTx.has(this)) counts.pgCommits++;
    return (query as (...a: unknown[]) => unknown).apply(this, args);
  } as typeof query;
  const { Redis, Pipeline } = requireFromQueue('ioredis') as {
    Redis: { prototype: { sendCommand(...a: unknown[]): unknown } };
    Pipeline: { prototype: { exec(...a: unknown[]): unknown } };
  };
  const send = Redis.prototype.sendCommand;
  Redis.prototype.sendCommand = function (this: unknown, ...args: unknown[]) {
    counts.redisCommands++;
    if (!args[1]) counts.redisRoundTrips++; // a second argument is the pipeline's buffer: sent with it
    return send.apply(this, args);
  };
  const exec = Pipeline.prototype.exec;
  Pipeline.prototype.exec = function (this: unknown, ...args: unknown[]) {
    counts.redisRoundTrips++;
    return exec.apply(this, args);
  };
}

export const snapshot = (): Counts => ({ ...counts });

export const diff = (a: Counts, b: Counts): Counts => ({
  pgStatements: b.pgStatements - a.pgStatements,
  pgCommits: b.pgCommits - a.pgCommits,
  redisRoundTrips: b.redisRoundTrips - a.redisRoundTrips,
  redisCommands: b.redisCommands - a.redisCommands,
});
