import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { hostErrors } from '../errors.js';
import type { SecretKey } from './key.js';

/** What a ciphertext is bound to: it decrypts only for this workspace, plugin and name. */
export interface SecretBinding {
  workspaceId: string;
  pluginId: string;
  name: string;
}

export interface Sealed {
  ciphertext: Buffer;
  /** 12 random bytes, new for every seal. */
  iv: Buffer;
  /** The 16-byte GCM authentication tag. */
  tag: Buffer;
  keyId: string;
}

const IV_BYTES = 12;
const TAG_BYTES = 16;

/** The associated data: an unambiguous encoding of the binding, authenticated but not stored. */
function aad(b: SecretBinding): Buffer {
  return Buffer.from(JSON.stringify(['neonhub-secret/v1', b.workspaceId, b.pluginId, b.name]), 'utf8');
}

export interface SecretBox {
  readonly keyId: string;
  seal(binding: SecretBinding, plaintext: string): Sealed;
  /** NH_SECRET_DECRYPT_FAILED when the key differs or the ciphertext was moved, altered or truncated. */
  open(binding: SecretBinding, sealed: { ciphertext: Uint8Array; iv: Uint8Array; tag: Uint8Array; keyId: string }): string;
}

/** AES-256-GCM with the workspace, plugin and secret name as associated data. */
export function createSecretBox(secretKey: SecretKey): SecretBox {
  const { key, keyId } = secretKey;
  return {
    keyId,
    seal(binding, plaintext) {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
      cipher.setAAD(aad(binding));
      const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
      return { ciphertext, iv, tag: cipher.getAuthTag(), keyId };
    },
    open(binding, sealed) {
      const where = `${binding.pluginId}/${binding.name}`;
      if (sealed.keyId !== keyId) {
        throw hostErrors.create(
          'NH_SECRET_DECRYPT_FAILED',
          `secret ${where} was encrypted with key ${sealed.keyId} but the current key is ${keyId}; restore the NEONHUB_SECRET_KEY it was stored with, or set the secret again`,
          { details: { ...binding, keyId: sealed.keyId, currentKeyId: keyId } },
        );
      }
      try {
        if (sealed.iv.length !== IV_BYTES || sealed.tag.length !== TAG_BYTES) throw new Error('malformed iv or tag');
        const decipher = createDecipheriv('aes-256-gcm', key, sealed.iv, { authTagLength: TAG_BYTES });
        decipher.setAAD(aad(binding));
        decipher.setAuthTag(sealed.tag);
        return Buffer.concat([decipher.update(sealed.ciphertext), decipher.final()]).toString('utf8');
      } catch (err) {
        throw hostErrors.create(
          'NH_SECRET_DECRYPT_FAILED',
          `secret ${where} does not decrypt for this workspace: it was altered, or stored for another workspace, plugin or name; set it again`,
          { details: { ...binding, keyId }, cause: err },
        );
      }
    },
  };
}
