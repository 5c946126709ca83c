export type { Expression, ExpressionBuilder, Kysely, RawBuilder, Selectable, SqlBool, Transaction, UpdateObject } from 'kysely';
export { sql } from 'kysely';
export * from './connection-tables.js';
export { type CreateDatabaseOptions, createDatabase, type Database, type ListenHandler, ping, redactUrl } from './create-database.js';
export { type DbErrorCode, dbErrors } from './errors.js';
export * from './mcp-oauth-tables.js';
export { MIGRATION_LOCK_TABLE, MIGRATION_TABLE, type MigrateResult, type MigrationState, migrate, migrationStatus } from './migrate.js';
export { migrations } from './migrations/index.js';
export { mapDriverError } from './pg-errors.js';
export {
  makePgliteTemplate,
  migratedTemplateOf,
  migrationsHash,
  PGLITE_TEMPLATE_ENV,
  pruneTemplates,
  seedFromTemplate,
  type TemplateKind,
  tarballOf,
  templateTarballPath,
} from './pglite-template.js';
export * from './repositories/index.js';
export type * from './types.js';
