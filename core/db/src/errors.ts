import { defineErrors } from '@neonhub/schemas';

/** Errors raised by the data layer (`@neonhub/db`); `docs/errors.md` lists them. */
export const dbErrors = defineErrors({
  NH_DB_UNAVAILABLE: {
    status: 503,
    category: 'transient',
    description: 'The database could not be reached (connection refused, timed out or dropped).',
  },
  NH_DB_MIGRATION_FAILED: {
    status: 500,
    category: 'internal',
    description: 'A schema migration failed; the failing migration is named and nothing of it was applied.',
  },
  NH_DB_CONFLICT: {
    status: 409,
    category: 'user',
    description: 'A row with the same unique value already exists (details name the table and field).',
  },
  NH_DB_REFERENCE_MISSING: {
    status: 400,
    category: 'user',
    description: 'A row refers to a workspace or user that does not exist (details name the table and field).',
  },
});

export type DbErrorCode = keyof typeof dbErrors.registry;
