import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { isNeonHubError, type NeonHubError } from '@neonhub/schemas';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHashEmbedder } from '../src/embedders/hash.js';
import { createMemoryStore } from '../src/store.js';

// The machine's PostgreSQL 15 has no pgvector package: exactly the case to explain to an admin.
// A PostgreSQL server is a service: this suite runs where NEONHUB_TEST_POSTGRES_URL names one (CI sets it).
const ADMIN_URL = process.env.NEONHUB_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const dbName = `nh_memory_test_${randomBytes(4).toString('hex')}`;
const dbUrl = (() => {
  const u = new URL(ADMIN_URL);
  u.pathname = `/${dbName}`;
  return u.toString();
})();

async function admin<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: ADMIN_URL, connectionTimeoutMillis: 5000 });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

describe.runIf(process.env.NEONHUB_TEST_POSTGRES_URL)('PostgreSQL without pgvector (needs NEONHUB_TEST_POSTGRES_URL)', () => {
  beforeAll(async () => {
    await admin((c) => c.query(`CREATE DATABASE ${dbName}`));
  });

  afterAll(async () => {
    await admin((c) => c.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`));
  });

  it('fails with NH_MEMORY_VECTOR_MISSING and says how to install pgvector', async () => {
    const err = await createMemoryStore({ embedder: createHashEmbedder(), databaseUrl: dbUrl }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(isNeonHubError(err)).toBe(true);
    const e = err as NeonHubError;
    expect(e.code).toBe('NH_MEMORY_VECTOR_MISSING');
    expect(e.status).toBe(503);
    expect(e.message).toContain('pgvector');
    expect(e.message).toContain('CREATE EXTENSION vector');
    expect(e.message).toContain(dbName);
    // nothing was created in the database
    const c = new pg.Client({ connectionString: dbUrl, connectionTimeoutMillis: 5000 });
    await c.connect();
    const schemas = await c
      .query(`SELECT count(*)::int AS n FROM information_schema.schemata WHERE schema_name = 'memory'`)
      .finally(() => c.end());
    const tables = schemas.rows[0].n as number;
    expect(tables).toBe(0);
  });

  it('the stdio server exits with the code and the advice on stderr', async () => {
    const cwd = fileURLToPath(new URL('..', import.meta.url));
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
      cwd,
      env: { PATH: process.env.PATH ?? '', DATABASE_URL: dbUrl },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stderr = '';
    let stdout = '';
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
    });
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toContain('NH_MEMORY_VECTOR_MISSING');
    expect(stderr).toContain('pgvector');
  });
});
