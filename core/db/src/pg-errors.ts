import { isNeonHubError, type NeonHubError } from '@neonhub/schemas';
import { dbErrors } from './errors.js';

interface DriverError {
  code?: string;
  constraint?: string;
  table?: string;
  message?: string;
}

/** SQLSTATE classes and Node socket codes that mean "the database is not there right now". */
const UNAVAILABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  '57P01',
  '57P02',
  '57P03',
]);

export function isUnavailable(err: unknown): boolean {
  const e = err as DriverError | undefined;
  if (!e || typeof e !== 'object') return false;
  if (e.code && (UNAVAILABLE_CODES.has(e.code) || e.code.startsWith('08'))) return true;
  const m = e.message ?? '';
  return /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|PGlite is closed/i.test(
    m,
  );
}

/** Which field a unique or foreign-key constraint guards, for error details. */
export interface ConstraintInfo {
  table: string;
  field: string;
}

/**
 * Turns a driver error into a NeonHubError: unique violation (23505) -> NH_DB_CONFLICT, foreign
 * key violation (23503) -> NH_DB_REFERENCE_MISSING, connection trouble -> NH_DB_UNAVAILABLE.
 * `constraints` names the field behind each known constraint. Anything else is returned as is.
 */
export function mapDriverError(err: unknown, constraints: Record<string, ConstraintInfo> = {}): unknown {
  if (isNeonHubError(err)) return err;
  const e = err as DriverError;
  if (e?.code === '23505') {
    const info = (e.constraint && constraints[e.constraint]) || { table: e.table ?? 'unknown', field: e.constraint ?? 'unknown' };
    return dbErrors.create('NH_DB_CONFLICT', `a ${info.table} row with this ${info.field} already exists`, {
      details: { ...info, constraint: e.constraint },
      cause: err,
    });
  }
  if (e?.code === '23503') {
    const info = (e.constraint && constraints[e.constraint]) || { table: e.table ?? 'unknown', field: e.constraint ?? 'unknown' };
    return dbErrors.create('NH_DB_REFERENCE_MISSING', `${info.table}.${info.field} refers to a row that does not exist`, {
      details: { ...info, constraint: e.constraint },
      cause: err,
    });
  }
  if (isUnavailable(err)) return unavailable(err);
  return err;
}

export function unavailable(cause: unknown, what = 'the database'): NeonHubError {
  const reason = cause instanceof Error ? cause.message : String(cause);
  return dbErrors.create('NH_DB_UNAVAILABLE', `${what} could not be reached: ${reason}`, { cause });
}

/** Runs a query and maps driver errors (see mapDriverError). */
export async function mapped<T>(run: () => Promise<T>, constraints?: Record<string, ConstraintInfo>): Promise<T> {
  try {
    return await run();
  } catch (err) {
    throw mapDriverError(err, constraints);
  }
}
