import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';

import { sql } from '@neonhub/db';
import type { Actor, NeonHubError } from '@neonhub/schemas';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Host } from '../../src/host.js';
import { bootHost, lockRoot, makeRoot, removeRoot, repoPlugin } from '../integration/helpers.js';
import { pgAdminQuery } from '../pg-admin.js';

/**
 * A policy change is enforced on the very next call on every host: three hosts on one PostgreSQL database, each with
 * its own pool and LISTEN connection, the policy read from each host's record cache (no query per call). A write of
 * the policy returns only when every other host with a live lease has acknowledged a barrier sent after it (so it
 * dropped its copy), or its lease ended (so it reads through) — docs/data.md, "Several hosts: cached records". Without the
 * barrier a call on another host right after the write can be decided by the old policy (its listener has not read
 * the NOTIFY yet); without the lease a host whose LISTEN connection was cut keeps an old copy it was never told about.
 */
const pgAdmin = process.env.NEONHUB_TEST_POSTGRES_URL;
const dbName = `nh_policy_hosts_${process.pid}_${Date.now()}`;
const ids = ['governance', 'data-trust', 'eco'];
const owner: Actor = { type: 'user', id: 'owner-1', role: 'owner' };
const denied = 'NH_TOOL_DENIED/NH_GOV_POLICY_DENY';
let root: string;
let hosts: Host[] = [];

const admin = (q: string) => pgAdminQuery(pgAdmin!, q);

describe.skipIf(!pgAdmin)('a policy change on one host is enforced on the next call on every host (PostgreSQL)', () => {
  beforeAll(async () => {
    root = makeRoot('policy-hosts', [
      ...ids.map((id) => ({ from: repoPlugin(id), link: true })),
      { from: resolve(import.meta.dirname, '../fixtures/runtime-plugins/rt-basic') },
    ]);
    await lockRoot(root);
    await admin(`create database ${dbName}`);
    const env = {
      DATABASE_URL: pgAdmin!.replace(/\/[^/]*$/, `/${dbName}`),
      NEONHUB_SECRET_KEY: randomBytes(32).toString('base64'),
    };
    hosts = [await bootHost(root, { env }), await bootHost(root, { env }), await bootHost(root, { env })];
    await hosts[0]!.storage.service.createWorkspace({ slug: 'acme' });
    for (const id of ['rt-basic', ...ids]) await hosts[0]!.storage.service.enablePlugin('acme', id);
    // every host holds a lease before the first write (the first renewal runs as its LISTEN connection comes up)
    await vi.waitFor(async () => expect(await liveHosts()).toHaveLength(3), { timeout: 10_000, interval: 20 });
  }, 120_000);

  afterAll(async () => {
    for (const h of hosts) await h.close();
    await admin(`drop database if exists ${dbName} with (force)`).catch(() => {});
    removeRoot(root);
  });

  const db = () => hosts[0]!.storage.db;
  const liveHosts = async () =>
    (await sql<{ host_id: string }>`select host_id from host_leases where lease_until > clock_timestamp()`.execute(db())).rows;
  const listenerPid = async (host: Host) =>
    (
      await sql<{
        pid: number;
      }>`select pid from pg_stat_activity where application_name = ${`neonhub-records ${host.storage.hostId}`}`.execute(db())
    ).rows[0]?.pid;

  const noop = async (host: Host): Promise<'ok' | string> => {
    try {
      const r = await host.callTool({ workspace: 'acme', tool: 'rt-basic:noop', input: {}, actor: owner });
      return r.status;
    } catch (err) {
      return `${(err as NeonHubError).code}/${((err as NeonHubError).details as { code?: string } | undefined)?.code}`;
    }
  };
  const setPolicy = async (host: Host, policy: Record<string, unknown>) => {
    const r = await host.callTool({ workspace: 'acme', tool: 'governance:set_policy', input: { policy }, actor: owner });
    expect(r.status).toBe('ok');
  };
  const policyFor = (decision: string) => (decision === denied ? { deny: ['rt-basic:noop'] } : {});
  /**
   * The write set_policy ends with (the head record governance reads cached on every call), made through the host's
   * store: it returns as soon as the write is done, so the next statement races the other hosts' listeners.
   */
  const writeHead = async (host: Host, decision: string) => {
    const ws = (await host.storage.service.resolveWorkspace('acme')).id;
    const store = host.storage.workspaces.store(ws, 'governance');
    const head = await store.get<{ version: number }>('policy', 'current');
    const version = (head?.value.version ?? 0) + 1;
    await store.put('policy', 'current', {
      version,
      policy: policyFor(decision),
      setBy: owner,
      setAt: new Date().toISOString(),
      note: null,
    });
  };

  it('30 writes, each followed at once by a call on every other host: each call is decided by the new policy', async () => {
    // every host has the policy in its cache (the first call reads it, the next ones answer from memory)
    for (const h of hosts) for (let i = 0; i < 3; i++) expect(await noop(h)).toBe('ok');
    for (let round = 0; round < 30; round++) {
      const writer = hosts[round % 3]!;
      const decision = round % 2 === 0 ? denied : 'ok';
      // through the tool every third round, else the head write alone (no work after it before the next call)
      if (round % 3 === 0) await setPolicy(writer, policyFor(decision));
      else await writeHead(writer, decision);
      // no waiting: the very next call on each other host, then again (it stays)
      const others = hosts.filter((h) => h !== writer);
      expect(await Promise.all(others.map(noop))).toEqual(others.map(() => decision));
      expect(await noop(writer)).toBe(decision);
      for (const h of others) expect(await noop(h)).toBe(decision);
    }
  }, 120_000);

  it('a host whose LISTEN connection is cut never serves a decision the write it missed changed', async () => {
    const [a, b] = hosts as [Host, Host, Host];
    await setPolicy(a, {});
    for (let round = 0; round < 3; round++) {
      const decision = round % 2 === 0 ? denied : 'ok';
      const before = round % 2 === 0 ? 'ok' : denied;
      expect(await noop(b)).toBe(before);
      const pid = await listenerPid(b);
      expect(pid).toBeTypeOf('number');
      await sql`select pg_terminate_backend(${pid})`.execute(db());
      await vi.waitFor(async () => expect(await listenerPid(b)).toBeUndefined(), { timeout: 10_000, interval: 2 });
      await new Promise((r) => setTimeout(r, 10)); // b's client sees its socket close (it reconnects 100 ms later)
      // b reads the policy while it cannot hear about changes, then a changes it before b listens again
      expect(await noop(b)).toBe(before);
      await writeHead(a, decision);
      expect(await noop(b)).toBe(decision);
      // b listens again (a new connection, a new lease): still the new policy, never the copy from before the cut
      await vi.waitFor(async () => expect(await listenerPid(b)).toBeTypeOf('number'), { timeout: 10_000, interval: 5 });
      await vi.waitFor(async () => expect((await liveHosts()).map((h) => h.host_id)).toContain(b.storage.hostId), {
        timeout: 10_000,
        interval: 5,
      });
      for (let i = 0; i < 3; i++) expect(await noop(b)).toBe(decision);
    }
  }, 120_000);

  it('a host that died holding a lease delays a write until its lease ends, then the write returns', async () => {
    const [a, b, c] = hosts as [Host, Host, Host];
    // a host that renewed its lease and vanished without giving it back (killed, partitioned): it never acknowledges
    await sql`insert into host_leases (host_id, lease_until) values ('dead-host', clock_timestamp() + interval '3 seconds')`.execute(db());
    await setPolicy(a, { deny: ['rt-basic:noop'] });
    const dead = await sql<{ ended: boolean }>`
      select lease_until <= clock_timestamp() as ended from host_leases where host_id = 'dead-host'`.execute(db());
    expect(dead.rows[0]?.ended).toBe(true); // the write waited for the silent host's lease to end, no longer
    expect([await noop(b), await noop(c), await noop(a)]).toEqual([denied, denied, denied]);
    // the next write, with the dead lease over, goes on as before
    await setPolicy(b, {});
    expect([await noop(a), await noop(c)]).toEqual(['ok', 'ok']);
    await sql`delete from host_leases where host_id = 'dead-host'`.execute(db());
  }, 60_000);
});
