import { cpSync, existsSync, mkdtempSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
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
  seedFromTemplate,
  sql,
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
    expect(readdirSync(scratch).sort()).toEqual([template, migrated].map((d) => d.split('/').pop()).sort()); // no partial one left

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
