import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createDatabase, migrations, sql } from '@neonhub/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LEARNING_TASK } from '../../src/results/learning.js';
import { SOCIAL_METRICS_TASK } from '../../src/results/social-metrics.js';
import { SYSTEM_OWNER } from '../../src/schedules/store.js';
import { makeRoot, removeRoot } from '../integration/helpers.js';
import { neonhubIn } from './cli-harness.js';

/**
 * The commands that only touch storage (workspace, token, user, db migrate, plugin enable/disable/secret, connection)
 * open the database and nothing else (host/src/cli/context.ts withStorage): what they must still do as a booted host
 * did, on a data directory no host has opened yet.
 */
let root: string;
const neonhub = (...args: string[]) => neonhubIn(root, args);
const dataDir = () => join(root, '.neonhub');

beforeAll(() => {
  root = makeRoot('cli-storage', []);
});
afterAll(() => removeRoot(root));

describe('storage-only CLI commands', () => {
  it('migrate a new data directory on their first run, and a new workspace gets its system schedules at once', async () => {
    const created = neonhub('workspace', 'create', 'acme', '--name', 'Acme');
    expect(created.code, created.stderr).toBe(0);
    expect(created.stdout).toMatch(/^✓ workspace acme created \([0-9a-f-]{36}\)\n$/);
    expect(neonhub('db', 'migrate').stdout).toBe('✓ database is migrated (pglite)\n');
    const token = neonhub('token', 'create', '-w', 'acme', '--role', 'viewer');
    expect(token.code, token.stderr).toBe(0);
    const user = neonhub('user', 'create', 'olive@example.com', '--owner');
    expect(user.code, user.stderr).toBe(0);
    expect(user.stdout).toContain('account olive@example.com created, owner of acme');

    const database = await createDatabase({ dataDir: dataDir() });
    try {
      const ran = await sql<{ name: string }>`select name from nh_migration order by name`.execute(database.db);
      expect(ran.rows.map((r) => r.name)).toEqual(migrations.map(([name]) => name).sort());
      const schedules = await sql<{ key: string; status: string }>`
        select s.key, s.status from schedules s join workspaces w on w.id = s.workspace_id
        where w.slug = 'acme' and s.plugin_id = ${SYSTEM_OWNER} order by s.key`.execute(database.db);
      expect(schedules.rows).toEqual([LEARNING_TASK.tool, SOCIAL_METRICS_TASK.tool].sort().map((key) => ({ key, status: 'scheduled' })));
    } finally {
      await database.close();
    }
  }, 180_000);

  it('refuse a data directory another live process holds (NH_DATA_DIR_LOCKED), leaving its lock alone', async () => {
    // a live process that holds the lock and serves no API (a `neonhub worker`, another CLI command)
    const holder = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'ignore' });
    const lock = join(dataDir(), 'neonhub.pid');
    const held = JSON.stringify({ pid: holder.pid, purpose: 'neonhub worker', since: new Date().toISOString() });
    try {
      writeFileSync(lock, held);
      for (const args of [
        ['workspace', 'list'],
        ['token', 'list', '-w', 'acme'],
      ]) {
        const r = neonhub(...args);
        expect(r.code).toBe(2);
        expect(r.stderr).toContain(`error NH_DATA_DIR_LOCKED: the embedded database in ${dataDir()} is in use by process ${holder.pid}`);
        expect(readFileSync(lock, 'utf8')).toBe(held);
      }
    } finally {
      holder.kill();
      await new Promise((r) => holder.once('exit', r));
    }
    const list = neonhub('workspace', 'list', '--json'); // the holder is gone: its stale lock is taken over
    expect(list.code, list.stderr).toBe(0);
    expect(JSON.parse(list.stdout).map((w: { slug: string }) => w.slug)).toEqual(['acme']);
  }, 120_000);
});
