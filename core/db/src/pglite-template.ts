import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { cp, readdir, readFile, rename, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { vector } from '@electric-sql/pglite-pgvector';
import { migrate } from './migrate.js';
import { migrations } from './migrations/index.js';

/**
 * A new embedded database starts with PostgreSQL's initdb, then the migrations: most of a first start's time (seconds;
 * far more on a busy machine). When NEONHUB_PGLITE_TEMPLATE names a data directory that initdb already made
 * (makePgliteTemplate), a new data directory starts as a copy instead: of the same template already migrated when
 * makePgliteTemplate made one for exactly these migrations (migrationsHash: a sibling directory named by it), else of
 * initdb's files, and the migrations run as on any first start. An in-memory database starts from the same template's
 * tarball (PGlite's dumpDataDir format, `<template>.tar`, loaded with loadDataDir). For test suites, which start
 * hundreds of fresh hosts; unset, nothing changes (a production data directory migrates as always).
 */
export const PGLITE_TEMPLATE_ENV = 'NEONHUB_PGLITE_TEMPLATE';

const isDatabase = (dir: string) => existsSync(join(dir, 'PG_VERSION'));

/**
 * Which template a new embedded database starts from: `migrated` (the default: the migrated one for this code's
 * migrations when there is one, else initdb's) or `initdb` (an empty database, for tests of the migrations themselves).
 */
export type TemplateKind = 'migrated' | 'initdb';

/** The template directory to copy for `kind`, if one is set and made. */
function templateDir(kind: TemplateKind, template: string | undefined): string | undefined {
  if (!template) return undefined;
  const migrated = migratedTemplateOf(template);
  if (kind === 'migrated' && isDatabase(migrated)) return migrated;
  return isDatabase(template) ? template : undefined;
}

/**
 * Copies a template into `dir` when `dir` holds no database yet and a template is set and made: the migrated one for
 * this code's migrations if there is one (unless `kind` is `initdb`), else initdb's.
 */
export async function seedFromTemplate(
  dir: string,
  template = process.env[PGLITE_TEMPLATE_ENV],
  kind: TemplateKind = 'migrated',
): Promise<void> {
  if (isDatabase(dir)) return;
  const from = templateDir(kind, template);
  if (from) await cp(from, dir, { recursive: true });
}

/** The tarball beside a template directory (made by makePgliteTemplate), for in-memory databases. */
export const tarballOf = (dir: string) => `${dir}.tar`;

/**
 * The tarball an in-memory database starts from (PGlite's `loadDataDir`), chosen as seedFromTemplate chooses a
 * directory; undefined when no template is set or its tarball is not made (the database then runs initdb).
 */
export function templateTarballPath(template = process.env[PGLITE_TEMPLATE_ENV], kind: TemplateKind = 'migrated'): string | undefined {
  const from = templateDir(kind, template);
  return from && existsSync(tarballOf(from)) ? tarballOf(from) : undefined;
}

/** The tarball's bytes, for PGlite's `loadDataDir`. */
export async function readTemplateTarball(path: string): Promise<Blob> {
  return new Blob([await readFile(path)]);
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

/** Makes `file` under a temporary name and renames it, as makeOnce does for a directory. */
async function makeFileOnce(file: string, make: (partial: string) => Promise<void>): Promise<string> {
  if (existsSync(file)) return file;
  const partial = `${file}.${process.pid}.partial`;
  try {
    await make(partial);
    await rename(partial, file);
  } catch (err) {
    await rm(partial, { recursive: true, force: true });
    if (!existsSync(file)) throw err;
  }
  return file;
}

/** `<dir>.tar`: the database in `dir` as PGlite dumps it (opened on a scratch copy: the template is never written). */
function makeTarball(dir: string): Promise<string> {
  return makeFileOnce(tarballOf(dir), async (partial) => {
    const scratch = `${partial}.d`;
    await cp(dir, scratch, { recursive: true });
    try {
      const pg = await PGlite.create({ dataDir: scratch, extensions: { vector } });
      try {
        await writeFile(partial, Buffer.from(await (await pg.dumpDataDir('none')).arrayBuffer()));
      } finally {
        await pg.close();
      }
    } finally {
      await rm(scratch, { recursive: true, force: true });
    }
  });
}

/** Templates (and their tarballs) no run has used for this long are removed by pruneTemplates. */
export const TEMPLATE_KEEP_MS = 6 * 60 * 60 * 1000;

/**
 * Removes what earlier runs left in `parent` and nothing a run may still use: templates other than `keep` (another
 * PGlite's initdb, migrated copies for other migrations, their tarballs) that no run has started from for `keepMs`
 * (makePgliteTemplate marks the ones it returns as used: their mtime), and half-made ones older than that. Each is
 * renamed away first, so no run ever sees a half-removed template.
 */
export async function pruneTemplates(parent: string, keep: string[], keepMs = TEMPLATE_KEEP_MS): Promise<string[]> {
  const kept = new Set(keep.flatMap((k) => [k, tarballOf(k)]));
  const removed: string[] = [];
  for (const name of await readdir(parent).catch(() => [] as string[])) {
    if (!name.startsWith('neonhub-pglite-initdb-')) continue;
    const path = join(parent, name);
    if (kept.has(path) || name.includes('.pruning.')) continue;
    const info = await stat(path).catch(() => undefined);
    if (!info || Date.now() - info.mtimeMs < keepMs) continue;
    const away = `${path}.pruning.${process.pid}`;
    try {
      await rename(path, away);
    } catch {
      continue; // another process pruned it first
    }
    await rm(away, { recursive: true, force: true });
    removed.push(path);
  }
  return removed;
}

/**
 * Runs initdb once into `<parent>/neonhub-pglite-initdb-<PGlite version>` and migrates a copy of it into
 * `<that>-migrated-<migrations hash>` (both kept: later runs reuse them), dumps each into a tarball beside it (for
 * in-memory databases), and returns the initdb one, for NEONHUB_PGLITE_TEMPLATE (seedFromTemplate and
 * templateTarballPath find the others beside it). Templates earlier runs left that no run used for a while are pruned.
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
  const made = [template, migratedTemplateOf(template)];
  for (const dir of made) await makeTarball(dir);
  const now = new Date();
  for (const path of made.flatMap((d) => [d, tarballOf(d)])) await utimes(path, now, now); // used now: not pruned
  await pruneTemplates(parent, made);
  return template;
}
