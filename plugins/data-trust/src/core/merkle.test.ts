import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { EMPTY_ROOT, leafHash, MerkleAccumulator, merkleRoot, nodeHash } from './merkle.js';

const h = (i: number) => createHash('sha256').update(`entry ${i}`).digest('hex');

describe('RFC 6962 Merkle tree heads', () => {
  it('the empty tree is sha256 of nothing', () => {
    expect(EMPTY_ROOT).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    expect(new MerkleAccumulator().root()).toBe(EMPTY_ROOT);
  });

  it('a leaf is sha256(0x00 || entry hash) and a node sha256(0x01 || left || right)', () => {
    const a = h(1);
    const b = h(2);
    const leafA = createHash('sha256')
      .update(Buffer.concat([Buffer.from([0]), Buffer.from(a, 'hex')]))
      .digest();
    const leafB = createHash('sha256')
      .update(Buffer.concat([Buffer.from([0]), Buffer.from(b, 'hex')]))
      .digest();
    expect(leafHash(a)).toEqual(leafA);
    const node = createHash('sha256')
      .update(Buffer.concat([Buffer.from([1]), leafA, leafB]))
      .digest('hex');
    expect(nodeHash(leafA, leafB).toString('hex')).toBe(node);
    expect(merkleRoot([a, b])).toBe(node);
    expect(merkleRoot([a])).toBe(leafA.toString('hex'));
  });

  it('the incremental accumulator equals the recursive definition for every size up to 70', () => {
    const hashes = Array.from({ length: 70 }, (_, i) => h(i));
    const acc = new MerkleAccumulator();
    for (let n = 1; n <= 70; n++) {
      acc.push(hashes[n - 1]!);
      expect(acc.root(), `size ${n}`).toBe(merkleRoot(hashes.slice(0, n)));
    }
  });

  it('a compact range survives JSON and resumes', () => {
    const hashes = Array.from({ length: 37 }, (_, i) => h(i));
    const acc = new MerkleAccumulator();
    for (const x of hashes.slice(0, 20)) acc.push(x);
    const resumed = new MerkleAccumulator(JSON.parse(JSON.stringify(acc.toJSON())));
    for (const x of hashes.slice(20)) resumed.push(x);
    expect(resumed.root()).toBe(merkleRoot(hashes));
    expect(resumed.size).toBe(37);
  });
});
