import { verify } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { setup } from '../../test/helpers.js';
import { canonicalJson } from '../core/entry.js';
import { merkleRoot } from '../core/merkle.js';
import { toPublicKey } from '../core/signing.js';
import { readEntries } from '../log.js';

describe('checkpoint and public_key', () => {
  it('signs the Merkle head of the whole log now, verifiable with the public key', async () => {
    const { harness, store } = setup();
    for (let i = 0; i < 7; i++) await harness.hook('afterToolCall', {});
    const cp = (await harness.call('checkpoint', {})) as Record<string, unknown> & {
      signature: string;
      rootHash: string;
      treeSize: number;
    };
    const entries = (await readEntries(store)) as Array<{ hash: string }>;
    expect(cp).toMatchObject({ treeSize: 7, created: true, headHash: entries[6]!.hash });
    expect(cp.rootHash).toBe(merkleRoot(entries.map((e) => e.hash)));
    const key = (await harness.call('public_key', {})) as { publicKeyPem: string; keyId: string };
    expect(cp.keyId).toBe(key.keyId);
    const { signature, created: _c, ...body } = cp;
    expect(verify(null, Buffer.from(canonicalJson(body)), toPublicKey(key.publicKeyPem), Buffer.from(signature, 'base64'))).toBe(true);
    expect(await harness.call('checkpoint', {})).toMatchObject({ treeSize: 7, created: false });
  });

  it('keeps one key per workspace', async () => {
    const { harness } = setup();
    const a = await harness.call('public_key', {});
    const b = await harness.call('public_key', {});
    expect(a).toEqual(b);
    expect(a).toMatchObject({ algorithm: 'ed25519', publicKeyPem: expect.stringContaining('BEGIN PUBLIC KEY') });
  });

  it('refuses an empty log with NH_DATA_TRUST_LOG_EMPTY', async () => {
    const { harness } = setup();
    await expect(harness.call('checkpoint', {})).rejects.toMatchObject({ code: 'NH_DATA_TRUST_LOG_EMPTY' });
  });
});
