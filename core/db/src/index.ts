export type { Expression, ExpressionBuilder, Kysely, Selectable, SqlBool, Transaction } from 'kysely';
export { sql } from 'kysely';
export { type CreateDatabaseOptions, createDatabase, type Database, ping, redactUrl } from './create-database.js';
export { type DbErrorCode, dbErrors } from './errors.js';
export { MIGRATION_LOCK_TABLE, MIGRATION_TABLE, type MigrateResult, type MigrationState, migrate, migrationStatus } from './migrate.js';
export { migrations } from './migrations/index.js';
export { mapDriverError } from './pg-errors.js';
export * from './repositories/index.js';
export type * from './types.js';
