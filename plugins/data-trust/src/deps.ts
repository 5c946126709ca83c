import { canonicalJson } from './core/entry.js';
import { dataTrustErrors } from './errors.js';
import type { InputHasher } from './keys.js';
import type { AuditLog } from './log.js';

/** What the tools and the hook share inside one plugin instance. */
export interface DataTrustDeps {
  log: AuditLog;
  hasher: InputHasher;
  now: () => Date;
}

/** Rejects values the log cannot store as canonical JSON in every store backend (Postgres jsonb refuses NUL). */
export function assertStorable(value: unknown, what: string): void {
  let json: string;
  try {
    json = canonicalJson(value);
  } catch (cause) {
    throw dataTrustErrors.create('NH_DATA_TRUST_DATA_INVALID', `${what} cannot be written as canonical JSON: ${(cause as Error).message}`, {
      cause,
    });
  }
  if (json.includes('\\u0000'))
    throw dataTrustErrors.create(
      'NH_DATA_TRUST_DATA_INVALID',
      `${what} contains a NUL character (\\u0000), which the database cannot store`,
    );
}
