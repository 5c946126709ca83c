import { randomBytes, randomUUID } from 'node:crypto';
import { isNeonHubError } from '@neonhub/schemas';
import { describe, expect, it } from 'vitest';
import { createSecretBox } from './box.js';
import { keyIdOf, type SecretKey } from './key.js';

const keyOf = (key = randomBytes(32)): SecretKey => ({ key, keyId: keyIdOf(key), source: 'env' });

function failure(fn: () => unknown) {
  try {
    fn();
  } catch (e) {
    if (isNeonHubError(e)) return e;
    throw e;
  }
  throw new Error('expected a failure');
}

describe('secret box (AES-256-GCM bound to workspace, plugin and name)', () => {
  const box = createSecretBox(keyOf());
  const here = { workspaceId: randomUUID(), pluginId: 'connector-email', name: 'API_KEY' };
  const value = 'sk_live_ünïcødé-🔑';

  it('round-trips, with a fresh 12-byte IV and a 16-byte tag per seal, and no plaintext in the ciphertext', () => {
    const a = box.seal(here, value);
    const b = box.seal(here, value);
    expect(a.iv).toHaveLength(12);
    expect(a.tag).toHaveLength(16);
    expect(a.iv.equals(b.iv)).toBe(false);
    expect(a.ciphertext.equals(b.ciphertext)).toBe(false);
    expect(a.ciphertext.toString('utf8')).not.toContain('sk_live');
    expect(a.keyId).toBe(box.keyId);
    expect(box.open(here, a)).toBe(value);
  });

  it.each([
    ['another workspace', { ...here, workspaceId: randomUUID() }],
    ['another plugin', { ...here, pluginId: 'connector-sms' }],
    ['another name', { ...here, name: 'OTHER_KEY' }],
  ])('does not open under %s (NH_SECRET_DECRYPT_FAILED)', (_label, elsewhere) => {
    const sealed = box.seal(here, value);
    const err = failure(() => box.open(elsewhere, sealed));
    expect(err.code).toBe('NH_SECRET_DECRYPT_FAILED');
    expect(err.message).not.toContain(value);
  });

  it('detects a flipped bit in the ciphertext, the tag or the IV', () => {
    const sealed = box.seal(here, value);
    for (const part of ['ciphertext', 'tag', 'iv'] as const) {
      const bad = { ...sealed, [part]: Buffer.from(sealed[part]) };
      (bad[part] as Buffer)[0] = (bad[part] as Buffer)[0]! ^ 1;
      expect(failure(() => box.open(here, bad)).code).toBe('NH_SECRET_DECRYPT_FAILED');
    }
    expect(failure(() => box.open(here, { ...sealed, tag: sealed.tag.subarray(0, 8) })).code).toBe('NH_SECRET_DECRYPT_FAILED');
  });

  it('under another key it fails naming both key ids', () => {
    const sealed = box.seal(here, value);
    const other = createSecretBox(keyOf());
    const err = failure(() => other.open(here, sealed));
    expect(err.code).toBe('NH_SECRET_DECRYPT_FAILED');
    expect(err.message).toContain(box.keyId);
    expect(err.message).toContain(other.keyId);
    // A row relabelled with the other key's id passes the id check and is still refused by GCM.
    const forged = failure(() => other.open(here, { ...sealed, keyId: other.keyId }));
    expect(forged.code).toBe('NH_SECRET_DECRYPT_FAILED');
    expect(forged.message).toContain('altered');
  });
});
