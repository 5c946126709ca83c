import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject, sign, verify } from 'node:crypto';
import { z } from 'zod';
import { canonicalJson } from './entry.js';

export const CHECKPOINT_TYPE = 'neonhub.audit.checkpoint.v1';

/** A signed tree head over entries 1..treeSize. The signature covers the RFC 8785 JSON of every other field. */
export const CheckpointSchema = z.object({
  type: z.literal(CHECKPOINT_TYPE),
  workspaceId: z.string(),
  treeSize: z.number().int().min(1),
  /** RFC 6962 Merkle tree hash over the entry hashes 1..treeSize. */
  rootHash: z.string(),
  /** Hash of entry treeSize. */
  headHash: z.string(),
  at: z.string(),
  /** sha256 (hex) of the signing key's SPKI DER encoding. */
  keyId: z.string(),
  /** ed25519 signature, base64. */
  signature: z.string(),
});
export type Checkpoint = z.infer<typeof CheckpointSchema>;
export type CheckpointBody = Omit<Checkpoint, 'signature'>;

/** The workspace's signing key as kept in the plugin store. */
export interface SigningKeyRecord {
  algorithm: 'ed25519';
  keyId: string;
  publicKeyPem: string;
  privateKeyPem: string;
  createdAt: string;
}

export interface PublicKeyInfo {
  algorithm: 'ed25519';
  keyId: string;
  publicKeyPem: string;
  createdAt: string;
}

export function keyIdOf(publicKey: KeyObject): string {
  return createHash('sha256')
    .update(publicKey.export({ type: 'spki', format: 'der' }))
    .digest('hex');
}

export function generateSigningKey(now: Date = new Date()): SigningKeyRecord {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  return {
    algorithm: 'ed25519',
    keyId: keyIdOf(publicKey),
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    createdAt: now.toISOString(),
  };
}

/** A public key from a PEM string (SPKI) or a KeyObject; throws on anything else. */
export function toPublicKey(key: string | KeyObject): KeyObject {
  const k = typeof key === 'string' ? createPublicKey(key) : key.type === 'private' ? createPublicKey(key) : key;
  if (k.asymmetricKeyType !== 'ed25519') throw new TypeError(`expected an ed25519 key, got ${k.asymmetricKeyType}`);
  return k;
}

export function signCheckpoint(body: CheckpointBody, privateKeyPem: string): Checkpoint {
  const signature = sign(null, Buffer.from(canonicalJson(body)), createPrivateKey(privateKeyPem)).toString('base64');
  return { ...body, signature };
}

/** True when the checkpoint's signature is valid for `publicKey` and it names that key. */
export function checkpointSignatureValid(checkpoint: Checkpoint, publicKey: KeyObject): boolean {
  const { signature, ...body } = checkpoint;
  if (body.keyId !== keyIdOf(publicKey)) return false;
  try {
    return verify(null, Buffer.from(canonicalJson(body)), publicKey, Buffer.from(signature, 'base64'));
  } catch {
    return false;
  }
}

/** The shareable half of a signing key record. */
export function publicKeyFromRecord(k: SigningKeyRecord): PublicKeyInfo {
  return { algorithm: k.algorithm, keyId: k.keyId, publicKeyPem: k.publicKeyPem, createdAt: k.createdAt };
}
