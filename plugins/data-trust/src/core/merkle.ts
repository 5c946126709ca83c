import { hash } from 'node:crypto';

// One-shot hashing over preallocated buffers: several times faster than createHash per node.
const leafBuf = Buffer.alloc(33);
const nodeBuf = Buffer.alloc(65);
nodeBuf[0] = 0x01;

/** RFC 6962 leaf hash of an audit entry: sha256(0x00 || entryHash bytes). */
export function leafHash(entryHashHex: string): Buffer {
  leafBuf[0] = 0x00;
  leafBuf.write(entryHashHex, 1, 32, 'hex');
  return hash('sha256', leafBuf, 'buffer');
}

/** RFC 6962 interior node: sha256(0x01 || left || right). */
export function nodeHash(left: Buffer, right: Buffer): Buffer {
  left.copy(nodeBuf, 1);
  right.copy(nodeBuf, 33);
  return hash('sha256', nodeBuf, 'buffer');
}

/** The Merkle tree head of zero leaves: sha256 of the empty string (RFC 6962 §2.1). */
export const EMPTY_ROOT = hash('sha256', '', 'hex');

/**
 * A compact range: the roots of the perfect subtrees that make up the first `size` leaves, largest first
 * (one per set bit of `size`). Enough to extend the tree one leaf at a time and to compute its head.
 */
export interface CompactRange {
  size: number;
  /** Hex roots, largest subtree first. */
  roots: string[];
}

/** A growing Merkle tree kept as a compact range: O(1) amortized per leaf, O(log n) memory. */
export class MerkleAccumulator {
  size: number;
  private roots: Buffer[];

  constructor(from?: CompactRange) {
    this.size = from?.size ?? 0;
    this.roots = (from?.roots ?? []).map((h) => Buffer.from(h, 'hex'));
  }

  /** Appends the leaf of one entry hash. */
  push(entryHashHex: string): void {
    let node = leafHash(entryHashHex);
    let s = this.size;
    while (s % 2 === 1) {
      node = nodeHash(this.roots.pop()!, node);
      s = (s - 1) / 2;
    }
    this.roots.push(node);
    this.size++;
  }

  /** The RFC 6962 Merkle tree hash of the leaves so far. */
  root(): string {
    if (this.roots.length === 0) return EMPTY_ROOT;
    let acc = this.roots[this.roots.length - 1]!;
    for (let i = this.roots.length - 2; i >= 0; i--) acc = nodeHash(this.roots[i]!, acc);
    return acc.toString('hex');
  }

  toJSON(): CompactRange {
    return { size: this.size, roots: this.roots.map((b) => b.toString('hex')) };
  }
}

/** The RFC 6962 Merkle tree hash of a list of entry hashes, by the recursive definition (reference, O(n log n)). */
export function merkleRoot(entryHashes: readonly string[]): string {
  if (entryHashes.length === 0) return EMPTY_ROOT;
  const mth = (lo: number, hi: number): Buffer => {
    if (hi - lo === 1) return leafHash(entryHashes[lo]!);
    let k = 1;
    while (k * 2 < hi - lo) k *= 2;
    return nodeHash(mth(lo, lo + k), mth(lo + k, hi));
  };
  return mth(0, entryHashes.length).toString('hex');
}
