import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { hostErrors } from '../errors.js';

/** Operator credentials start with this, so a request's bearer is recognised without a database lookup. */
export const OPERATOR_PREFIX = 'nho_';
export const OPERATOR_FILE = 'operator.token';

export const operatorCredentialPath = (dataDir: string) => join(dataDir, OPERATOR_FILE);

/**
 * The operator credential: a random token in `<dataDir>/operator.token`, readable by its owner only,
 * written at the host's first start. Whoever can read the file is the machine's operator (owner of
 * every workspace), as with a Docker socket or a Jupyter token; nobody else is.
 */
export function ensureOperatorCredential(dataDir: string): string {
  const existing = readOperatorCredential(dataDir);
  if (existing) return existing;
  mkdirSync(dataDir, { recursive: true });
  const token = `${OPERATOR_PREFIX}${randomBytes(32).toString('base64url')}`;
  try {
    writeFileSync(operatorCredentialPath(dataDir), `${token}\n`, { mode: 0o600, flag: 'wx' });
  } catch (err) {
    // another process wrote it first: use theirs
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    const raced = readOperatorCredential(dataDir);
    if (raced) return raced;
    throw err;
  }
  return token;
}

/** The operator credential of a data directory, if the host wrote one (the CLI reads it to reach a running host). */
export function readOperatorCredential(dataDir: string): string | undefined {
  const file = operatorCredentialPath(dataDir);
  let text: string;
  try {
    text = readFileSync(file, 'utf8').trim();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw hostErrors.create(
      'NH_AUTH_OPERATOR_UNREADABLE',
      `cannot read the operator credential ${file}: run the CLI as the user that runs NeonHub`,
      {
        cause: err,
      },
    );
  }
  if (!text.startsWith(OPERATOR_PREFIX) || text.length < OPERATOR_PREFIX.length + 40)
    throw hostErrors.create('NH_AUTH_OPERATOR_UNREADABLE', `${file} does not hold an operator credential: delete it and restart the host`);
  // Someone loosened the file's mode: tighten it back (the token stays valid; rotate it by deleting the file).
  if (process.platform !== 'win32' && (statSync(file).mode & 0o077) !== 0) chmodSync(file, 0o600);
  return text;
}
