import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createDatabase, makePgliteTemplate, migrate, migrations, seedFromTemplate, sql } from '../src/index.js';

/** The initdb template the test suites start fresh embedded databases from (NEONHUB_PGLITE_TEMPLATE). */
const scratch = mkdtempSync(join(tmpdir(), 'nh-pglite-template-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('the PGlite initdb template', () => {
  it('is made once (kept, reused) and a data directory seeded from it opens and migrates like a fresh one', async () => {
    const template = await makePgliteTemplate(scratch);
    expect(existsSync(join(template, 'PG_VERSION'))).toBe(true);
    expect(await makePgliteTemplate(scratch)).toBe(template);
    expect(readdirSync(scratch)).toEqual([template.split('/').pop()]); // no partial one left behind

    const dataDir = join(scratch, 'host');
    await seedFromTemplate(join(dataDir, 'pg'), template);
    expect(existsSync(join(dataDir, 'pg', 'PG_VERSION'))).toBe(true);
    const database = await createDatabase({ dataDir });
    try {
      const result = await migrate(database.db);
      expect(result.applied).toHaveLength(migrations.length);
      const { rows } = await sql<{ n: number }>`select count(*)::int as n from workspaces`.execute(database.db);
      expect(rows[0]!.n).toBe(0);
    } finally {
      await database.close();
    }
  }, 120_000);

  it('leaves a data directory that holds a database alone, and does nothing when no template is made', async () => {
    const dir = join(scratch, 'other');
    await seedFromTemplate(dir, join(scratch, 'no-such-template'));
    expect(existsSync(dir)).toBe(false);
    const template = await makePgliteTemplate(scratch);
    await seedFromTemplate(join(scratch, 'host', 'pg'), template); // migrated already: not overwritten
    const database = await createDatabase({ dataDir: join(scratch, 'host') });
    try {
      expect((await migrate(database.db)).applied).toHaveLength(0);
    } finally {
      await database.close();
    }
  }, 120_000);
});
