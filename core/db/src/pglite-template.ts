import { existsSync, readFileSync } from 'node:fs';
import { cp, rename, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';

/**
 * A new embedded database starts with PostgreSQL's initdb, most of a first start's time (seconds; far more on a busy
 * machine). When NEONHUB_PGLITE_TEMPLATE names a data directory that initdb already made (makePgliteTemplate), a new
 * data directory starts as a copy of it instead: the files initdb writes, so everything after it (the vector
 * extension, migrations) runs as on any first start. For test suites, which start hundreds of fresh hosts; unset,
 * nothing changes.
 */
export const PGLITE_TEMPLATE_ENV = 'NEONHUB_PGLITE_TEMPLATE';

/** Copies the template into `dir` when `dir` holds no database yet and a template is set and made. */
export async function seedFromTemplate(dir: string, template = process.env[PGLITE_TEMPLATE_ENV]): Promise<void> {
  if (!template || existsSync(join(dir, 'PG_VERSION')) || !existsSync(join(template, 'PG_VERSION'))) return;
  await cp(template, dir, { recursive: true });
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

/**
 * Runs initdb once into `<parent>/neonhub-pglite-initdb-<PGlite version>` (kept: later runs reuse it) and returns that
 * directory, for NEONHUB_PGLITE_TEMPLATE. Made under a temporary name and renamed, so a half-made one is never used.
 */
export async function makePgliteTemplate(parent = tmpdir()): Promise<string> {
  const dir = join(parent, `neonhub-pglite-initdb-${pgliteVersion()}`);
  if (existsSync(join(dir, 'PG_VERSION'))) return dir;
  const partial = `${dir}.${process.pid}.partial`;
  await rm(partial, { recursive: true, force: true });
  const pg = await PGlite.create({ dataDir: partial });
  await pg.close();
  await rename(partial, dir).catch(async (err: NodeJS.ErrnoException) => {
    await rm(partial, { recursive: true, force: true });
    if (!existsSync(join(dir, 'PG_VERSION'))) throw err; // another process made it meanwhile: use theirs
  });
  return dir;
}
