import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isNeonHubError } from '@neonhub/schemas';
import { afterEach, describe, expect, it } from 'vitest';
import { keyIdOf, loadSecretKey, parseSecretKey, SECRET_KEY_FILE } from './key.js';

const dirs: string[] = [];
const tempDir = async () => {
  const d = await mkdtemp(join(tmpdir(), 'neonhub-key-'));
  dirs.push(d);
  return d;
};
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    return isNeonHubError(e) ? e.code : `not a NeonHubError: ${String(e)}`;
  }
  return undefined;
}

describe('parseSecretKey', () => {
  const key = randomBytes(32);

  it('reads 32 bytes as hex, base64 and unpadded base64url', () => {
    expect(parseSecretKey(key.toString('hex')).equals(key)).toBe(true);
    expect(parseSecretKey(key.toString('hex').toUpperCase()).equals(key)).toBe(true);
    expect(parseSecretKey(` ${key.toString('base64')}\n`).equals(key)).toBe(true);
    expect(parseSecretKey(key.toString('base64url')).equals(key)).toBe(true);
  });

  it.each([
    ['empty', ''],
    ['a passphrase', 'correct horse battery staple'],
    ['31 bytes', randomBytes(31).toString('base64')],
    ['33 bytes', randomBytes(33).toString('base64')],
    ['31 bytes of hex', randomBytes(31).toString('hex')],
    ['64 characters that are not hex', 'z'.repeat(64)],
  ])('refuses %s with NH_SECRET_KEY_INVALID', (_label, value) => {
    expect(codeOf(() => parseSecretKey(value))).toBe('NH_SECRET_KEY_INVALID');
  });
});

describe('loadSecretKey', () => {
  it('prefers NEONHUB_SECRET_KEY and never serializes the key', async () => {
    const key = randomBytes(32);
    const k = await loadSecretKey({ value: key.toString('base64'), dataDir: await tempDir(), generate: true });
    expect(k.source).toBe('env');
    expect(k.key.equals(key)).toBe(true);
    expect(k.keyId).toBe(keyIdOf(key));
    expect(k.keyId).toMatch(/^k1-[0-9a-f]{16}$/);
    expect(JSON.stringify(k)).not.toContain(key.toString('base64'));
    expect(Object.keys(k)).not.toContain('key');
  });

  it('generates <dataDir>/secret.key with mode 0600 on the first start and reuses it after', async () => {
    const dataDir = await tempDir();
    const first = await loadSecretKey({ dataDir, generate: true });
    expect(first.source).toBe('generated');
    const file = join(dataDir, SECRET_KEY_FILE);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(parseSecretKey(await readFile(file, 'utf8')).equals(first.key)).toBe(true);
    const again = await loadSecretKey({ dataDir, generate: true });
    expect(again.source).toBe('file');
    expect(again.keyId).toBe(first.keyId);
  });

  it('concurrent first starts agree on one key', async () => {
    const dataDir = await tempDir();
    const keys = await Promise.all(Array.from({ length: 5 }, () => loadSecretKey({ dataDir, generate: true })));
    expect(new Set(keys.map((k) => k.keyId)).size).toBe(1);
  });

  it('without a key and without generate (shared PostgreSQL) it is NH_SECRET_KEY_INVALID', async () => {
    const err = await loadSecretKey({ dataDir: await tempDir(), generate: false }).catch((e) => e);
    expect(err.code).toBe('NH_SECRET_KEY_INVALID');
    expect(err.message).toContain('NEONHUB_SECRET_KEY');
  });

  it('a damaged key file is NH_SECRET_KEY_INVALID naming the file, not a new key', async () => {
    const dataDir = await tempDir();
    await writeFile(join(dataDir, SECRET_KEY_FILE), 'not a key\n');
    const err = await loadSecretKey({ dataDir, generate: true }).catch((e) => e);
    expect(err.code).toBe('NH_SECRET_KEY_INVALID');
    expect(err.message).toContain(join(dataDir, SECRET_KEY_FILE));
    expect(await readFile(join(dataDir, SECRET_KEY_FILE), 'utf8')).toBe('not a key\n');
  });
});
