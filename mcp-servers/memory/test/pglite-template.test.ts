import { cpSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { sql } from 'kysely';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { connectMemoryDatabase } from '../src/db/connect.js';

/**
 * NEONHUB_PGLITE_TEMPLATE (the test suites' initdb template): a new PGlite store starts as a copy of it, on disk or in
 * memory (from `<template>.tar`), instead of running initdb. A marker table put into a scratch template shows which.
 */
const scratch = mkdtempSync(join(tmpdir(), 'nh-memory-template-'));
const template = join(scratch, 'template');
const saved = process.env.NEONHUB_PGLITE_TEMPLATE;

const hasMarker = async (dataDir: string) => {
  const conn = await connectMemoryDatabase({ dataDir });
  try {
    const { rows } = await sql<{ n: number }>`select count(*)::int as n from pg_tables where tablename = 'from_the_template'`.execute(
      conn.db,
    );
    return rows[0]!.n === 1;
  } finally {
    await conn.close();
  }
};

beforeAll(async () => {
  // a template as makePgliteTemplate leaves one: initdb's files (a copy of the suite's, else initdb), and the same dumped
  if (saved && existsSync(join(saved, 'PG_VERSION'))) cpSync(saved, template, { recursive: true });
  const pg = await PGlite.create(template);
  await pg.exec('create table public.from_the_template (n int)');
  writeFileSync(`${template}.tar`, Buffer.from(await (await pg.dumpDataDir('none')).arrayBuffer()));
  await pg.close();
}, 120_000);
afterEach(() => {
  if (saved === undefined) delete process.env.NEONHUB_PGLITE_TEMPLATE;
  else process.env.NEONHUB_PGLITE_TEMPLATE = saved;
});
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('a new PGlite memory store and NEONHUB_PGLITE_TEMPLATE', () => {
  it('starts as a copy of the template, in a folder or in memory', async () => {
    process.env.NEONHUB_PGLITE_TEMPLATE = template;
    expect(await hasMarker(join(scratch, 'store'))).toBe(true);
    expect(await hasMarker('memory://')).toBe(true);
  }, 120_000);

  it('leaves a folder that already holds a store alone', async () => {
    const kept = join(scratch, 'kept');
    cpSync(template, kept, { recursive: true });
    const conn = await connectMemoryDatabase({ dataDir: kept });
    await sql`drop table public.from_the_template`.execute(conn.db);
    await conn.close();
    process.env.NEONHUB_PGLITE_TEMPLATE = template;
    expect(await hasMarker(kept)).toBe(false); // opened as it is, not copied over
  }, 120_000);
});
