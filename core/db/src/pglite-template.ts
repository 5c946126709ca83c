import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { cp, rename, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { migrate } from './migrate.js';
import { migrations } from './migrations/index.js';

/**
 * A new embedded database starts with PostgreSQL's initdb, then the migrations: most of a first start's time (seconds;
 * far more on a busy machine). When NEONHUB_PGLITE_TEMPLATE names a data directory that initdb already made
 * (makePgliteTemplate), a new data directory starts as a copy instead: of the same template already migrated when
 * makePgliteTemplate made one for exactly these migrations (migrationsHash: a sibling directory named by it), else of
 * initdb's files, and the migrations run as on any first start. For test suites, which start hundreds of fresh hosts;
 * unset, nothing changes (a production data directory migrates as always).
 */
export const PGLITE_TEMPLATE_ENV = 'NEONHUB_PGLITE_TEMPLATE';

const isDatabase = (dir: string) => existsSync(join(dir, 'PG_VERSION'));

/**
 * Copies a template into `dir` when `dir` holds no database yet and a template is set and made: the migrated one for
 * this code's migrations if there is one, else initdb's.
 */
export async function seedFromTemplate(dir: string, template = process.env[PGLITE_TEMPLATE_ENV]): Promise<void> {
  if (!template || isDatabase(dir)) return;
  const migrated = migratedTemplateOf(template);
  if (isDatabase(migrated)) await cp(migrated, dir, { recursive: true });
  else if (isDatabase(template)) await cp(template, dir, { recursive: true });
}

/** PGlite's version: a template is only good for the PGlite that made it. */
function pgliteVersion(): string {
  const entry = createRequire(import.meta.url).resolve('@electric-sql/pglite');
  for (let d = dirname(entry); d !== dirname(d); d = dirname(d)) {
    const pkg = join(d, 'package.json');
    if (existsSync(pkg)) {
      const { name, version } = JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string; version?: string };
      if (name === '@electric-sql/pglite' && version) return version;
    }
  }
  return 'unknown';
}

let current: string | undefined;

/**
 * What a migrated template is good for: a SHA-256 over PGlite's version, the migrations' names in their order, and the
 * source of every file in migrations/ and of migrate.ts (the migrator's tables). A migration added, edited or renamed,
 * or another PGlite, gives another hash, so a template made for other migrations is never used. `list` and `dir` (the
 * folder holding migrate.ts and migrations/) are for tests; the default is this code's, computed once.
 */
export function migrationsHash(list: ReadonlyArray<readonly [string, unknown]> = migrations, dir = import.meta.dirname): string {
  const isCurrent = list === migrations && dir === import.meta.dirname;
  if (isCurrent && current) return current;
  const h = createHash('sha256').update(`pglite ${pgliteVersion()}\n`);
  for (const [name] of list) h.update(`migration ${name}\n`);
  const files = [
    'migrate.ts',
    ...readdirSync(join(dir, 'migrations'))
      .sort()
      .map((f) => join('migrations', f)),
  ];
  for (const file of files) h.update(`file ${file}\n`).update(readFileSync(join(dir, file)));
  const hash = h.digest('hex');
  if (isCurrent) current = hash;
  return hash;
}

/** The migrated copy of an initdb template for this code's migrations (made by makePgliteTemplate). */
export const migratedTemplateOf = (template: string) => `${template}-migrated-${migrationsHash().slice(0, 16)}`;

/** Makes `dir` under a temporary name and renames it, so a half-made template is never used; another process's wins. */
async function makeOnce(dir: string, make: (partial: string) => Promise<void>): Promise<string> {
  if (isDatabase(dir)) return dir;
  const partial = `${dir}.${process.pid}.partial`;
  await rm(partial, { recursive: true, force: true });
  try {
    await make(partial);
    await rename(partial, dir);
  } catch (err) {
    await rm(partial, { recursive: true, force: true });
    if (!isDatabase(dir)) throw err; // another process made it meanwhile: use theirs
  }
  return dir;
}

/**
 * Runs initdb once into `<parent>/neonhub-pglite-initdb-<PGlite version>` and migrates a copy of it into
 * `<that>-migrated-<migrations hash>` (both kept: later runs reuse them), and returns the initdb one, for
 * NEONHUB_PGLITE_TEMPLATE (seedFromTemplate finds the migrated one beside it).
 */
export async function makePgliteTemplate(parent = tmpdir()): Promise<string> {
  const template = await makeOnce(join(parent, `neonhub-pglite-initdb-${pgliteVersion()}`), async (partial) => {
    const pg = await PGlite.create({ dataDir: partial });
    await pg.close();
  });
  await makeOnce(migratedTemplateOf(template), async (partial) => {
    // opened as any data directory is (pgvector too); imported here: create-database.ts imports this module
    const { createDatabase } = await import('./create-database.js');
    await cp(template, join(partial, 'pg'), { recursive: true });
    const database = await createDatabase({ dataDir: partial });
    try {
      await migrate(database.db);
    } finally {
      await database.close();
    }
    await rename(join(partial, 'pg'), `${partial}.pg`);
    await rm(partial, { recursive: true, force: true });
    await rename(`${partial}.pg`, partial);
  });
  return template;
}
