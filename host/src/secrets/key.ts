import { createHash, randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { hostErrors } from '../errors.js';

/** The AES-256 key that encrypts plugin secrets, and where it came from. */
export interface SecretKey {
  /** Names the key without revealing it (stored beside each ciphertext, so a rotation can tell keys apart). */
  readonly keyId: string;
  readonly source: 'env' | 'file' | 'generated';
  /** The 32 key bytes. Not enumerable: JSON.stringify and pino never print it. */
  readonly key: Buffer;
}

export const SECRET_KEY_FILE = 'secret.key';

/** `k1-` + the first 16 hex digits of SHA-256 over the key (one-way; identifies, never reveals). */
export function keyIdOf(key: Buffer): string {
  return `k1-${createHash('sha256').update('neonhub-secret-key-id\0').update(key).digest('hex').slice(0, 16)}`;
}

function secretKey(key: Buffer, source: SecretKey['source']): SecretKey {
  const k = { keyId: keyIdOf(key), source } as SecretKey;
  Object.defineProperty(k, 'key', { value: key, enumerable: false });
  return Object.freeze(k);
}

/** 32 bytes as 64 hex digits, or as base64 / base64url (padding optional). */
export function parseSecretKey(text: string, origin = 'NEONHUB_SECRET_KEY'): Buffer {
  const value = text.trim();
  let key: Buffer | undefined;
  if (/^[0-9a-fA-F]{64}$/.test(value)) key = Buffer.from(value, 'hex');
  else if (/^[A-Za-z0-9+/_-]{43}={0,1}$/.test(value)) key = Buffer.from(value.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
  if (key?.length !== 32) {
    throw hostErrors.create(
      'NH_SECRET_KEY_INVALID',
      `${origin} must be 32 random bytes written as 64 hex digits or 44 base64 characters (generate one with: openssl rand -base64 32)`,
      { details: { origin, length: value.length } },
    );
  }
  return key;
}

export interface LoadSecretKeyOptions {
  /** NEONHUB_SECRET_KEY, when set: it wins. */
  value?: string | undefined;
  /** The data directory holding `secret.key` for embedded installs. */
  dataDir?: string | undefined;
  /**
   * Create `<dataDir>/secret.key` when there is neither a value nor a file (the embedded default).
   * Turn off when several hosts share a PostgreSQL database: they must all use one key.
   */
  generate?: boolean;
}

/**
 * Finds the secret key: NEONHUB_SECRET_KEY if set, else `<dataDir>/secret.key`, else (when
 * `generate`) a new random key written there with mode 0600 and reused on every later start.
 */
export async function loadSecretKey(opts: LoadSecretKeyOptions): Promise<SecretKey> {
  if (opts.value !== undefined && opts.value !== '') return secretKey(parseSecretKey(opts.value), 'env');
  if (!opts.dataDir) {
    throw hostErrors.create(
      'NH_SECRET_KEY_INVALID',
      'NEONHUB_SECRET_KEY is not set and there is no data directory to keep a generated key in',
    );
  }
  const file = join(opts.dataDir, SECRET_KEY_FILE);
  const existing = await readFile(file, 'utf8').catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return undefined;
    throw hostErrors.create('NH_SECRET_KEY_INVALID', `cannot read ${file}: ${err.message}`, { cause: err });
  });
  if (existing !== undefined) return secretKey(parseSecretKey(existing, file), 'file');
  if (!opts.generate) {
    throw hostErrors.create(
      'NH_SECRET_KEY_INVALID',
      `NEONHUB_SECRET_KEY is not set and ${file} does not exist; with a shared DATABASE_URL every host needs the same NEONHUB_SECRET_KEY`,
    );
  }
  const key = randomBytes(32);
  await mkdir(opts.dataDir, { recursive: true });
  try {
    await writeFile(file, `${key.toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
    await chmod(file, 0o600); // in case a umask widened it
  } catch (err) {
    // Another process created it first: use theirs.
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return secretKey(parseSecretKey(await readFile(file, 'utf8'), file), 'file');
    throw hostErrors.create('NH_SECRET_KEY_INVALID', `cannot write ${file}: ${(err as Error).message}`, { cause: err });
  }
  return secretKey(key, 'generated');
}
