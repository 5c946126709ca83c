import { describe, expect, it } from 'vitest';
import { createEntry } from './entry.js';
import { MerkleAccumulator } from './merkle.js';
import { CHECKPOINT_TYPE, type Checkpoint, generateSigningKey, signCheckpoint } from './signing.js';
import { sampleChain } from './test-chain.js';
import { verifyChain } from './verify.js';

const N = 3000;
const chain = sampleChain(N);
const key = generateSigningKey();
const other = generateSigningKey();

function checkpointsFor(entries = chain, every = 1000, signer = key): Checkpoint[] {
  const acc = new MerkleAccumulator();
  const out: Checkpoint[] = [];
  for (const e of entries) {
    acc.push(e.hash);
    if (e.seq % every === 0)
      out.push(
        signCheckpoint(
          {
            type: CHECKPOINT_TYPE,
            workspaceId: 'ws-1',
            treeSize: e.seq,
            rootHash: acc.root(),
            headHash: e.hash,
            at: e.at,
            keyId: signer.keyId,
          },
          signer.privateKeyPem,
        ),
      );
  }
  return out;
}

describe('signed checkpoints', () => {
  const cps = checkpointsFor();

  it('verify with the workspace public key', () => {
    expect(verifyChain(chain, cps, key.publicKeyPem, { workspaceId: 'ws-1' })).toMatchObject({
      ok: true,
      count: N,
      checkpointsVerified: 3,
      signaturesVerified: true,
    });
  });

  it('without a key the roots are still checked but signatures are not', () => {
    expect(verifyChain(chain, cps)).toMatchObject({ ok: true, checkpointsVerified: 3, signaturesVerified: false });
  });

  it('a forged signature fails', () => {
    const forged = cps.map((c) => ({ ...c }));
    const sig = Buffer.from(forged[1]!.signature, 'base64');
    sig[10] = sig[10]! ^ 0xff;
    forged[1]!.signature = sig.toString('base64');
    expect(verifyChain(chain, forged, key.publicKeyPem)).toMatchObject({ ok: false, problem: 'bad_signature', seq: 2000 });
  });

  it('a checkpoint re-signed by another key fails against the pinned key', () => {
    expect(verifyChain(chain, checkpointsFor(chain, 1000, other), key.publicKeyPem)).toMatchObject({
      ok: false,
      problem: 'bad_signature',
      seq: 1000,
    });
  });

  it('a changed root with the original signature fails', () => {
    const changed = cps.map((c) => ({ ...c }));
    changed[0]!.rootHash = '0'.repeat(64);
    expect(verifyChain(chain, changed, key.publicKeyPem)).toMatchObject({ ok: false, problem: 'bad_signature', seq: 1000 });
  });

  it('a chain rewritten and rehashed from entry 1500 on passes the link checks but not the signed root', () => {
    const rewritten = chain.slice(0, 1499);
    for (const e of chain.slice(1499))
      rewritten.push(createEntry(rewritten[rewritten.length - 1], { at: e.at, kind: e.kind, data: { ...e.data, status: 'ok-rewritten' } }));
    expect(verifyChain(rewritten)).toMatchObject({ ok: true });
    expect(verifyChain(rewritten, cps, key.publicKeyPem)).toMatchObject({ ok: false, problem: 'checkpoint_mismatch', seq: 2000 });
  });

  it('a log truncated below a checkpoint is a deletion at the first missing entry', () => {
    expect(verifyChain(chain.slice(0, 2500), cps, key.publicKeyPem)).toMatchObject({ ok: false, problem: 'deleted', seq: 2501 });
  });

  it('a checkpoint of another workspace does not count', () => {
    expect(verifyChain(chain, cps, key.publicKeyPem, { workspaceId: 'ws-2' })).toMatchObject({ ok: false, problem: 'checkpoint_mismatch' });
  });

  it('chain problems are reported before checkpoint problems, at the exact entry', () => {
    const entries = chain.map((e) => ({ ...e }));
    entries[1776] = { ...entries[1776]!, at: 'tampered' };
    expect(verifyChain(entries, cps, key.publicKeyPem)).toMatchObject({ ok: false, problem: 'edited', seq: 1777 });
  });
});
