import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  createDatabase,
  makePgliteTemplate,
  migrate,
  migratedTemplateOf,
  migrations,
  migrationsHash,
  PGLITE_TEMPLATE_ENV,
  pruneTemplates,
  seedFromTemplate,
  sql,
  tarballOf,
  templateTarballPath,
} from '../src/index.js';

/** The templates the test suites start fresh embedded databases from (NEONHUB_PGLITE_TEMPLATE). */
const scratch = mkdtempSync(join(tmpdir(), 'nh-pglite-template-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
const src = resolve(import.meta.dirname, '../src');

async function openAndMigrate(dataDir: string) {
  const database = await createDatabase({ dataDir });
  try {
    const { applied } = await migrate(database.db);
    const { rows } = await sql<{ n: number }>`select count(*)::int as n from workspaces`.execute(database.db);
    return { applied, workspaces: rows[0]!.n };
  } finally {
    await database.close();
  }
}

describe('the PGlite templates', () => {
  it('are made once (initdb, and a migrated copy for these migrations; kept, reused); a data directory seeded from them starts migrated', async () => {
    const template = await makePgliteTemplate(scratch);
    expect(existsSync(join(template, 'PG_VERSION'))).toBe(true);
    const migrated = migratedTemplateOf(template);
    expect(migrated).toBe(`${template}-migrated-${migrationsHash().slice(0, 16)}`);
    expect(existsSync(join(migrated, 'PG_VERSION'))).toBe(true);
    expect(await makePgliteTemplate(scratch)).toBe(template);
    const made = [template, migrated, tarballOf(template), tarballOf(migrated)];
    expect(readdirSync(scratch).sort()).toEqual(made.map((d) => d.split('/').pop()).sort()); // no partial one left
    expect(templateTarballPath(template)).toBe(tarballOf(migrated));
    expect(templateTarballPath(template, 'initdb')).toBe(tarballOf(template));

    const dataDir = join(scratch, 'host');
    await seedFromTemplate(join(dataDir, 'pg'), template);
    expect(await openAndMigrate(dataDir)).toEqual({ applied: [], workspaces: 0 });
  }, 180_000);

  it('a migrated template made for other migrations is never used: the initdb one is, and every migration runs', async () => {
    const template = await makePgliteTemplate(scratch);
    const migrated = migratedTemplateOf(template);
    const other = `${template}-migrated-0123456789abcdef`; // what a checkout with other migrations made
    renameSync(migrated, other);
    try {
      const dataDir = join(scratch, 'other-migrations');
      await seedFromTemplate(join(dataDir, 'pg'), template);
      expect(await openAndMigrate(dataDir)).toEqual({ applied: migrations.map(([name]) => name), workspaces: 0 });
    } finally {
      renameSync(other, migrated);
    }
  }, 180_000);

  it("the migrations' hash changes with a migration's name, order or source, and with migrate.ts", () => {
    const copy = join(scratch, 'src-copy');
    cpSync(join(src, 'migrations'), join(copy, 'migrations'), { recursive: true });
    cpSync(join(src, 'migrate.ts'), join(copy, 'migrate.ts'));
    const base = migrationsHash(migrations, copy);
    expect(base).toBe(migrationsHash()); // the same sources elsewhere: the same hash
    expect(migrationsHash(migrations.slice(0, -1), copy)).not.toBe(base);
    expect(migrationsHash([...migrations].reverse(), copy)).not.toBe(base);
    const [name] = migrations.at(-1)!;
    expect(migrationsHash([...migrations.slice(0, -1), [`${name}_renamed`, {}]], copy)).not.toBe(base);

    const last = readdirSync(join(copy, 'migrations'))
      .filter((f) => /^\d/.test(f))
      .sort()
      .at(-1)!;
    writeFileSync(join(copy, 'migrations', last), '// edited\n', { flag: 'a' });
    expect(migrationsHash(migrations, copy)).not.toBe(base);
    cpSync(join(src, 'migrations', last), join(copy, 'migrations', last));
    expect(migrationsHash(migrations, copy)).toBe(base);
    writeFileSync(join(copy, 'migrate.ts'), '// edited\n', { flag: 'a' });
    expect(migrationsHash(migrations, copy)).not.toBe(base);
  });

  it('an in-memory database starts from the migrated tarball (or the initdb one when asked), on this thread or its own', async () => {
    expect(process.env[PGLITE_TEMPLATE_ENV]).toBeTruthy(); // set by the suite's global setup
    for (const pgliteThread of [false, true]) {
      const migrated = await createDatabase({ memory: true, pgliteThread });
      try {
        expect(await migrate(migrated.db)).toEqual({ applied: [] });
        const { rows } = await sql<{ n: number }>`select count(*)::int as n from workspaces`.execute(migrated.db);
        expect(rows[0]!.n).toBe(0);
      } finally {
        await migrated.close();
      }
      const empty = await createDatabase({ memory: true, pgliteThread, template: 'initdb' });
      try {
        const { rows } = await sql<{ n: number }>`select count(*)::int as n from pg_tables where schemaname = 'public'`.execute(empty.db);
        expect(rows[0]!.n).toBe(0);
        const { rows: ext } = await sql<{ v: string }>`select '[1,2]'::vector::text as v`.execute(empty.db); // pgvector loaded
        expect(ext[0]!.v).toBe('[1,2]');
      } finally {
        await empty.close();
      }
    }
  }, 180_000);

  it('prunes templates no run used for a while (other PGlites, other migrations, half-made ones), never the ones in use', async () => {
    const parent = join(scratch, 'prune');
    const dir = (name: string, ageMs: number) => {
      const path = join(parent, name);
      if (name.endsWith('.tar')) writeFileSync(path, 'x');
      else mkdirSync(path, { recursive: true });
      const t = new Date(Date.now() - ageMs);
      utimesSync(path, t, t);
      return path;
    };
    const hour = 60 * 60 * 1000;
    const current = dir('neonhub-pglite-initdb-9.9.9', 48 * hour); // in use: kept however old
    const currentMigrated = dir('neonhub-pglite-initdb-9.9.9-migrated-aaaaaaaaaaaaaaaa', 48 * hour);
    const currentTar = dir('neonhub-pglite-initdb-9.9.9-migrated-aaaaaaaaaaaaaaaa.tar', 48 * hour);
    const recentOther = dir('neonhub-pglite-initdb-9.9.9-migrated-bbbbbbbbbbbbbbbb', hour); // another checkout's, used an hour ago
    const oldOther = dir('neonhub-pglite-initdb-9.9.9-migrated-cccccccccccccccc', 7 * hour);
    const oldOtherTar = dir('neonhub-pglite-initdb-9.9.9-migrated-cccccccccccccccc.tar', 7 * hour);
    const oldPglite = dir('neonhub-pglite-initdb-9.9.8', 7 * hour);
    const oldPartial = dir('neonhub-pglite-initdb-9.9.9-migrated-dddddddddddddddd.123.partial', 7 * hour);
    const unrelated = dir('something-else', 7 * hour);
    const removed = await pruneTemplates(parent, [current, currentMigrated]);
    expect(removed.sort()).toEqual([oldOther, oldOtherTar, oldPglite, oldPartial].sort());
    expect(readdirSync(parent).sort()).toEqual(
      [current, currentMigrated, currentTar, recentOther, unrelated].map((d) => d.split('/').pop()).sort(),
    );
  });

  it('leaves a data directory that holds a database alone, and does nothing when no template is made', async () => {
    const dir = join(scratch, 'none');
    await seedFromTemplate(dir, join(scratch, 'no-such-template'));
    expect(existsSync(dir)).toBe(false);
    const template = await makePgliteTemplate(scratch);
    const dataDir = join(scratch, 'kept');
    const database = await createDatabase({ dataDir });
    await sql`create table kept_here (n int)`.execute(database.db);
    await database.close();
    await seedFromTemplate(join(dataDir, 'pg'), template); // holds a database already: not overwritten
    const again = await createDatabase({ dataDir });
    try {
      const { rows } = await sql<{ n: number }>`select count(*)::int as n from pg_tables where tablename = 'kept_here'`.execute(again.db);
      expect(rows[0]!.n).toBe(1);
    } finally {
      await again.close();
    }
  }, 180_000);
});
