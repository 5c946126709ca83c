import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { createDatabase, sql } from '@neonhub/db';
import { afterAll, describe, expect, it } from 'vitest';
import { cliEnv, neonhubIn } from '../cli/cli-harness.js';
import { nodeArgsFor } from '../cli-bin.js';
import { bootHost, lockRoot, makeRoot, removeRoot, repoPlugin } from '../integration/helpers.js';
import { pgAdminQuery } from '../pg-admin.js';

/**
 * kill -9 of a host during 10,000 audited calls: a host process (fixtures/audited-caller.ts) with governance,
 * data-trust and eco enabled in the workspace makes 10,000 calls of a no-op tool through `host.callTool`, 64 in flight,
 * and prints each call's id when it is answered `ok` (acknowledged); it is killed with SIGKILL mid-way, after 5,000
 * answers (the calls in flight then are cut: the group being committed, the queue behind it). The HTTP API and MCP
 * answer a call when `host.callTool` does, so the guarantee is the same; calling in-process keeps the 10,000 calls
 * to seconds where HTTP on the shared CI machine took minutes. Then, with the
 * database reopened by the CLI: `neonhub audit verify` passes, and the stored log holds an entry for every
 * acknowledged call id (an audit entry is durable before its call is answered). On PGlite, and on PostgreSQL where
 * NEONHUB_TEST_POSTGRES_URL names one.
 */
const N = 10_000;
/** Many in flight: large commit groups (the case group commit must get right), and 5,000 calls in seconds. */
const IN_FLIGHT = 64;
/** Acknowledged calls before the kill: half-way through the 10,000. */
const KILL_AT = N / 2;
const pgAdmin = process.env.NEONHUB_TEST_POSTGRES_URL;
const backends = [{ name: 'PGlite', postgres: false }, ...(pgAdmin ? [{ name: 'PostgreSQL', postgres: true }] : [])];
const children: ChildProcess[] = [];
const roots: string[] = [];
const capabilities = ['governance', 'data-trust', 'eco'];
const caller = resolve(import.meta.dirname, 'fixtures/audited-caller.ts');

afterAll(() => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  for (const r of roots) removeRoot(r);
});

const admin = (q: string) => pgAdminQuery(pgAdmin!, q);

describe.each(backends)('kill -9 of a host during 10,000 audited calls ($name)', ({ postgres }) => {
  it('every acknowledged call has its audit entry and `neonhub audit verify` passes', async () => {
    const root = makeRoot(`audit-kill-${postgres ? 'pg' : 'pglite'}`, [
      ...capabilities.map((id) => ({ from: repoPlugin(id), link: true })),
      { from: resolve(import.meta.dirname, '../fixtures/runtime-plugins/rt-basic') },
    ]);
    roots.push(root);
    await lockRoot(root);
    const dbName = `nh_audit_kill_${process.pid}_${Date.now()}`;
    const env: Record<string, string> = postgres
      ? { DATABASE_URL: pgAdmin!.replace(/\/[^/]*$/, `/${dbName}`), NEONHUB_SECRET_KEY: randomBytes(32).toString('base64') }
      : {};
    if (postgres) await admin(`create database ${dbName}`);
    try {
      // the workspace, set up before the host starts
      const setup = await bootHost(root, { env });
      await setup.storage.service.createWorkspace({ slug: 'kill' });
      for (const id of ['rt-basic', ...capabilities]) await setup.storage.service.enablePlugin('kill', id);
      await setup.close();

      // the host process: 10,000 calls, 64 in flight, each acknowledged call's id printed as it is answered
      const child = spawn(process.execPath, [...nodeArgsFor(caller), String(N), String(IN_FLIGHT)], {
        cwd: resolve(import.meta.dirname, '../..'),
        env: cliEnv(root, { LOG_LEVEL: 'warn', ...env }),
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      children.push(child);
      let stderr = '';
      child.stderr!.on('data', (d) => {
        stderr += d;
      });
      const acked: string[] = [];
      let ready = false;
      let killed = false;
      let t0 = 0;
      let tKilled = 0;
      const lines = createInterface({ input: child.stdout! });
      lines.on('line', (line) => {
        if (line === 'ready') {
          ready = true;
          t0 = Date.now();
          return;
        }
        if (line === 'done') return;
        acked.push(line);
        if (!killed && acked.length >= KILL_AT) {
          killed = true;
          tKilled = Date.now();
          child.kill('SIGKILL');
        }
      });
      // every line the process wrote before it died is read (the pipe keeps them), then it is gone
      await new Promise<void>((r) => lines.once('close', () => r()));
      await new Promise((r) => (child.exitCode === null && child.signalCode === null ? child.once('exit', r) : r(null)));
      expect(ready, stderr).toBe(true);
      expect(child.signalCode, stderr).toBe('SIGKILL');
      expect(acked.length).toBeGreaterThanOrEqual(KILL_AT);
      expect(acked.length).toBeLessThan(N);
      expect(new Set(acked).size).toBe(acked.length);

      const tKill = tKilled;
      // reopened by the CLI (the embedded database recovers from the kill on open)
      const verify = neonhubIn(root, ['audit', 'verify', '--workspace', 'kill'], { env });
      expect(verify.code, `${verify.stdout}\n${verify.stderr}`).toBe(0);
      expect(verify.stdout).toContain('is intact');
      // the entries, read from the database itself
      const database = await createDatabase(postgres ? { databaseUrl: env.DATABASE_URL! } : { dataDir: resolve(root, '.neonhub') });
      const audited = new Set<string>();
      let entries = 0;
      try {
        const { rows } = await sql<{ call_id: string }>`
          select value->'data'->>'callId' as call_id from plugin_records
          where plugin_id = 'data-trust' and collection = 'audit-entries'
            and value->>'kind' = 'tool_call' and value->'data'->>'tool' = 'rt-basic:noop'`.execute(database.db);
        entries = rows.length;
        for (const r of rows) audited.add(r.call_id);
      } finally {
        await database.close();
      }
      const missing = acked.filter((id) => !audited.has(id));
      console.log(
        `kill -9 (${postgres ? 'PostgreSQL' : 'PGlite'}): ${acked.length} calls acknowledged before the kill, ${entries} audited, ${missing.length} acknowledged without an entry; ${((tKill - t0) / 1000).toFixed(1)} s of calls, verify ${(verify.ms / 1000).toFixed(1)} s`,
      );
      expect(missing).toEqual([]);
      // entries for calls cut by the kill (durable, answer lost) are allowed: at most one per client in flight
      expect(entries - acked.length).toBeLessThanOrEqual(IN_FLIGHT);

      // the head the log keeps beside it was durable with the entries: a deleted tail is still caught after the kill
      const again = await createDatabase(postgres ? { databaseUrl: env.DATABASE_URL! } : { dataDir: resolve(root, '.neonhub') });
      try {
        await sql`delete from plugin_records where plugin_id = 'data-trust' and collection = 'audit-entries'
          and key in (select key from plugin_records where plugin_id = 'data-trust' and collection = 'audit-entries'
                      order by key desc limit 3)`.execute(again.db);
      } finally {
        await again.close();
      }
      const broken = neonhubIn(root, ['audit', 'verify', '--workspace', 'kill'], { env });
      expect(broken.code, `${broken.stdout}\n${broken.stderr}`).toBe(4);
      expect(broken.stdout).toContain('was deleted');
    } finally {
      if (postgres) await admin(`drop database if exists ${dbName} with (force)`).catch(() => {});
    }
  }, 400_000);
});
