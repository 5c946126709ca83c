import { type Kysely, type Migration, type MigrationResult, Migrator, sql } from 'kysely';
import { dbErrors } from './errors.js';
import { migrations } from './migrations/index.js';
import type { DB } from './types.js';

export const MIGRATION_TABLE = 'nh_migration';
export const MIGRATION_LOCK_TABLE = 'nh_migration_lock';

type MigrationList = ReadonlyArray<readonly [name: string, migration: Migration]>;

function migrator(db: Kysely<DB>, list: MigrationList = migrations): Migrator {
  return new Migrator({
    db,
    provider: { getMigrations: async () => Object.fromEntries(list) },
    migrationTableName: MIGRATION_TABLE,
    migrationLockTableName: MIGRATION_LOCK_TABLE,
    // Migrations are numbered when written and can land out of order (0027 on main before 0025):
    // a database that already ran a later one still gets the earlier one instead of refusing to start.
    // Each migration is additive and independent of the ones numbered after it.
    allowUnorderedMigrations: true,
  });
}

export interface MigrateResult {
  /** Names of the migrations this call applied (empty when the schema was already current). */
  applied: string[];
}

/**
 * Brings the schema up to date. Idempotent; safe to run from several processes at once against
 * PostgreSQL (Kysely's migrator holds a session advisory lock while it works, and the pending
 * migrations run in one transaction, so a failure leaves nothing behind). `list` is for tests.
 */
export async function migrate(db: Kysely<DB>, list: MigrationList = migrations): Promise<MigrateResult> {
  if (await isCurrent(db, list)) return { applied: [] };
  const { error, results } = await migrator(db, list).migrateToLatest();
  const applied = (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
  if (error) {
    const failed: MigrationResult | undefined = (results ?? []).find((r) => r.status === 'Error');
    const message = error instanceof Error ? error.message : String(error);
    throw dbErrors.create(
      'NH_DB_MIGRATION_FAILED',
      failed ? `migration ${failed.migrationName} failed: ${message}` : `migrating the database failed: ${message}`,
      { details: { migration: failed?.migrationName, applied }, cause: error },
    );
  }
  return { applied };
}

/**
 * Whether the database ran exactly these migrations: two reads, where the migrator would create its tables if
 * missing, take its lock and compare (a tenth of a CLI command's time on PGlite). Anything else (a fresh
 * database, one pending, one this code does not know) goes through the migrator as before.
 */
async function isCurrent(db: Kysely<DB>, list: MigrationList): Promise<boolean> {
  const { rows: table } = await sql<{ present: boolean }>`select to_regclass(${MIGRATION_TABLE}) is not null as present`.execute(db);
  if (!table[0]?.present) return false;
  const { rows } = await sql<{ name: string }>`select name from ${sql.table(MIGRATION_TABLE)}`.execute(db);
  const ran = new Set(rows.map((r) => r.name));
  return ran.size === list.length && list.every(([name]) => ran.has(name));
}

export interface MigrationState {
  name: string;
  executedAt: Date | undefined;
}

/** Every known migration and when it ran (undefined: pending). */
export async function migrationStatus(db: Kysely<DB>): Promise<MigrationState[]> {
  const all = await migrator(db).getMigrations();
  return all.map((m) => ({ name: m.name, executedAt: m.executedAt }));
}
