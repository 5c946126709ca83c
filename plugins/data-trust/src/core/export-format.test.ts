import { describe, expect, it } from 'vitest';
import { GENESIS_HASH } from './entry.js';
import { EXPORT_FORMAT, type ExportedChain, parseJsonLines, toJsonLines, verifyExport } from './export-format.js';
import { MerkleAccumulator } from './merkle.js';
import { CHECKPOINT_TYPE, generateSigningKey, publicKeyFromRecord, signCheckpoint } from './signing.js';
import { prng, sampleChain } from './test-chain.js';

const N = 10_000;
const entries = sampleChain(N);
const key = generateSigningKey();
const acc = new MerkleAccumulator();
for (const e of entries) acc.push(e.hash);
const exported: ExportedChain = {
  format: EXPORT_FORMAT,
  workspaceId: 'ws-1',
  workspaceSlug: 'acme',
  exportedAt: '2026-11-25T12:00:00.000Z',
  count: N,
  headHash: entries[N - 1]!.hash,
  publicKey: publicKeyFromRecord(key),
  entries,
  checkpoints: [
    signCheckpoint(
      {
        type: CHECKPOINT_TYPE,
        workspaceId: 'ws-1',
        treeSize: N,
        rootHash: acc.root(),
        headHash: entries[N - 1]!.hash,
        at: 'now',
        keyId: key.keyId,
      },
      key.privateKeyPem,
    ),
  ],
};
const jsonl = toJsonLines(exported);

describe('export and offline verification', () => {
  it('an object export verifies with the key it carries, and with a pinned key', () => {
    expect(verifyExport(exported)).toMatchObject({
      ok: true,
      count: N,
      keySource: 'export',
      checkpointsVerified: 1,
      signaturesVerified: true,
    });
    expect(verifyExport(exported, { publicKey: key.publicKeyPem })).toMatchObject({ ok: true, keySource: 'pinned', keyId: key.keyId });
  });

  it('JSON Lines round-trip: header, one line per entry, checkpoints last', () => {
    const lines = jsonl.trimEnd().split('\n');
    expect(lines).toHaveLength(1 + N + 1);
    const parsed = parseJsonLines(jsonl);
    expect(parsed.header?.workspaceSlug).toBe('acme');
    expect(parsed.entries).toEqual(entries);
    expect(verifyExport(jsonl)).toMatchObject({ ok: true, count: N });
  });

  it('a pinned key that is not the signer fails the checkpoints', () => {
    expect(verifyExport(jsonl, { publicKey: generateSigningKey().publicKeyPem })).toMatchObject({ ok: false, problem: 'bad_signature' });
  });

  it('a truncated export (last lines cut) is a deletion', () => {
    const lines = jsonl.trimEnd().split('\n');
    const cut = [...lines.slice(0, N - 2), lines[lines.length - 1]].join('\n');
    expect(verifyExport(cut)).toMatchObject({ ok: false, problem: 'deleted', seq: N - 2 });
  });

  it('an empty export verifies', () => {
    const empty: ExportedChain = { ...exported, count: 0, headHash: GENESIS_HASH, entries: [], checkpoints: [] };
    expect(verifyExport(toJsonLines(empty))).toMatchObject({ ok: true, count: 0 });
  });

  describe('one byte changed anywhere in one of 10,000 exported entries is found at that entry', () => {
    const rand = prng(7);
    const seqs = [1, N, ...Array.from({ length: 8 }, () => 1 + Math.floor(rand() * N))];
    const lines = jsonl.trimEnd().split('\n');
    for (const seq of seqs) {
      it(`entry ${seq}`, () => {
        const bytes = Buffer.from(lines[seq]!);
        const offset = Math.floor(rand() * bytes.length);
        bytes[offset] = bytes[offset]! ^ 0x01;
        const tampered = [...lines];
        tampered[seq] = bytes.toString();
        const r = verifyExport(tampered.join('\n'));
        expect(r, `byte ${offset} of entry ${seq}`).toMatchObject({ ok: false, problem: 'edited', seq });
      });
    }
  });
});
