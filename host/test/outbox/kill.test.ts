import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import { createDatabase, type Database, sql } from '@neonhub/db';
import { deleteBullPrefix } from '@neonhub/queue';
import { afterAll, describe, expect, it } from 'vitest';
import { nodeArgsFor } from '../cli-bin.js';
import { lockRoot, makeRoot, removeRoot } from '../integration/helpers.js';
import { pgAdminQuery } from '../pg-admin.js';
import { type CountingProvider, startCountingProvider, writeFixtureConnector } from './fixtures.js';

/**
 * kill -9 of the dispatcher during 1,000 sends over three connectors: a process writes the 1,000 sends to the
 * outbox through the call pipeline and delivers them; it is killed with SIGKILL a third of the way; a new process
 * delivers the rest. Counted at the three receiving providers: every message arrives (0 lost) and each is accepted
 * once (0 duplicated). A message in flight at the kill is sent again with its idempotency key, which the provider
 * answers with the first id (counted as a replay, not a second message). Once on PGlite with the in-process queue,
 * and on PostgreSQL with BullMQ where NEONHUB_TEST_POSTGRES_URL and NEONHUB_TEST_REDIS_URL name the services.
 */
const N = 1000;
const pgAdmin = process.env.NEONHUB_TEST_POSTGRES_URL;
const redisUrl = process.env.NEONHUB_TEST_REDIS_URL;
const backends = [
  { name: 'PGlite, in-process queue', services: false },
  ...(pgAdmin && redisUrl ? [{ name: 'PostgreSQL, BullMQ on Redis', services: true }] : []),
];
const children: ChildProcess[] = [];
const roots: string[] = [];

afterAll(() => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
  for (const r of roots) removeRoot(r);
});

function startWorker(env: NodeJS.ProcessEnv, until: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, nodeArgsFor(resolve(import.meta.dirname, 'fixtures/outbox-worker.ts')), {
    cwd: resolve(import.meta.dirname, '../..'),
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let err = '';
  child.stderr!.on('data', (d) => {
    err += d;
    if (process.env.NH_DEBUG_KILL) process.stderr.write(d);
  });
  return new Promise((ok, fail) => {
    child.stdout!.on('data', (d) => String(d).includes(until) && ok(child));
    child.once('exit', (code) => fail(new Error(`worker exited early (${code}): ${err}`)));
  });
}

const waitFor = async (cond: () => boolean, ms: number) => {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
};

describe.each(backends)('kill -9 of the dispatcher during 1,000 sends ($name)', ({ services }) => {
  it('0 lost, 0 duplicated, counted at the three receiving providers', async () => {
    const providers: CountingProvider[] = await Promise.all([startCountingProvider(), startCountingProvider(), startCountingProvider()]);
    const dbName = `nh_outbox_kill_${process.pid}_${Date.now()}`;
    const prefix = `nhtest-outbox-kill-${process.pid}-${Date.now()}`;
    const dbUrl = pgAdmin?.replace(/\/[^/]*$/, `/${dbName}`);
    const admin = (q: string) => pgAdminQuery(pgAdmin!, q);
    const root = makeRoot(`outbox-kill-${services ? 'pg' : 'pglite'}`, []);
    roots.push(root);
    try {
      for (const [i, id] of ['fixture-a', 'fixture-b', 'fixture-c'].entries())
        await writeFixtureConnector(root, id, { urlEnv: `FX_URL_${i}` });
      await lockRoot(root);
      if (services) await admin(`create database ${dbName}`);
      for (const p of providers) p.latencyMs = 3; // a provider answers in a few ms, not instantly
      const env: NodeJS.ProcessEnv = {
        FX_ROOT: root,
        FX_PREFIX: prefix,
        ...Object.fromEntries(providers.map((p, i) => [`FX_URL_${i}`, p.url])),
        ...(services ? { FX_DATABASE_URL: dbUrl, FX_REDIS_URL: redisUrl, FX_SECRET_KEY: randomBytes(32).toString('base64') } : {}),
      };
      const accepted = () => providers.reduce((n, p) => n + p.accepted.length, 0);

      const first = await startWorker({ ...env, FX_SUBMIT: String(N) }, 'submitted');
      await waitFor(() => accepted() >= N / 3, 120_000);
      first.kill('SIGKILL');
      await new Promise((r) => first.once('exit', r));
      const atKill = accepted();
      expect(atKill).toBeLessThan(N);

      const second = await startWorker(env, 'ready');
      await waitFor(() => accepted() >= N, 180_000);
      await new Promise((r) => setTimeout(r, 1000)); // anything still in flight would show up now
      second.kill('SIGTERM');
      await new Promise((r) => second.once('exit', r));

      // Messages in flight at the kill (or whose attempt timed out under load) were sent again with their key: the
      // provider answered those with the first id (replays), so none became a second message.
      const keys = providers.flatMap((p) => p.accepted);
      expect(keys).toHaveLength(N); // 0 duplicated: no key accepted twice ...
      expect(new Set(keys).size).toBe(N); // ... and 0 lost: every key k0..k999 accepted
      for (let i = 0; i < N; i++) expect(providers[i % 3]!.accepted).toContain(`k${i}`);
      // only messages in flight at the kill were sent again (at most the dispatcher's concurrency)
      const replays = providers.reduce((n, p) => n + p.replays, 0);
      console.log(
        `kill -9 (${services ? 'PostgreSQL + BullMQ' : 'PGlite, in process'}): ${atKill} accepted at the kill, ${N} after, ${replays} replays answered by the provider's idempotency key, requests ${providers.reduce((n, p) => n + p.requests, 0)}`,
      );

      // the outbox agrees: every message delivered, once
      let database: Database | undefined;
      try {
        database = await createDatabase(services ? { databaseUrl: dbUrl! } : { dataDir: resolve(root, '.neonhub') });
        const rows = await sql<{
          status: string;
          n: number;
        }>`select status, count(*)::int as n from outbox_messages group by status`.execute(database.db);
        expect(rows.rows).toEqual([{ status: 'delivered', n: N }]);
      } finally {
        await database?.close();
      }
    } finally {
      for (const p of providers) await p.close();
      if (services) {
        await admin(`drop database if exists ${dbName} with (force)`).catch(() => {});
        await deleteBullPrefix(redisUrl!, prefix);
      }
    }
  }, 400_000);
});
