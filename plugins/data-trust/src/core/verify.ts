import type { KeyObject } from 'node:crypto';
import { computeEntryHash, GENESIS_HASH } from './entry.js';
import { MerkleAccumulator } from './merkle.js';
import { type Checkpoint, CheckpointSchema, checkpointSignatureValid, toPublicKey } from './signing.js';

export type ChainProblem = 'edited' | 'deleted' | 'inserted' | 'reordered' | 'checkpoint_mismatch' | 'bad_signature';

export type VerifyResult =
  | {
      ok: true;
      /** Entries verified. */
      count: number;
      /** Hash of the last entry (the genesis hash for an empty log). */
      headHash: string;
      /** RFC 6962 tree head over all verified entries: anchor it outside to pin this state. */
      rootHash: string;
      checkpointsVerified: number;
      /** False when checkpoints were checked against the entries but no public key was given. */
      signaturesVerified: boolean;
    }
  | {
      ok: false;
      problem: ChainProblem;
      /** The entry (or checkpoint tree size) where the chain breaks. */
      seq: number;
      /** 0-based position in the list given, when the problem is at a listed entry. */
      index: number | null;
      expected: string;
      actual: string;
      message: string;
    };

export interface VerifyOptions {
  /** What the log claims as its last entry (e.g. the store's head record): catches a deleted tail. */
  expectedHead?: { seq: number; hash: string };
  /** When set, every checkpoint must name this workspace. */
  workspaceId?: string;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

function fail(problem: ChainProblem, seq: number, index: number | null, expected: string, actual: string, message: string): VerifyResult {
  return { ok: false, problem, seq, index, expected, actual, message };
}

/**
 * Verifies an audit chain (entries in stored order) and, optionally, signed checkpoints. Pure: no I/O.
 *
 * Each entry is checked three ways: its hash against its content (an edit), its `seq` against its
 * position (deletions, insertions, reorders), and its `prevHash` against the previous entry's hash.
 * The first break is reported with the exact entry: an edited entry at its own seq, a deletion at the
 * first missing seq, an insertion at the extra entry, a reorder at the first displaced seq.
 * Checkpoints are then checked: signature (with `publicKey`), tree size, Merkle root and head hash.
 */
export function verifyChain(
  entries: readonly unknown[],
  checkpoints: readonly unknown[] = [],
  publicKey?: string | KeyObject,
  options: VerifyOptions = {},
): VerifyResult {
  const n = entries.length;
  const hashes: (string | null | undefined)[] = new Array(n);
  const hashAt = (i: number): string | null => {
    let h = hashes[i];
    if (h === undefined) h = hashes[i] = computeEntryHash(entries[i]);
    return h;
  };
  const field = (i: number, name: string): unknown => {
    const e = entries[i];
    return isObj(e) ? e[name] : undefined;
  };
  const seqOf = (i: number): number | undefined => {
    const s = field(i, 'seq');
    return typeof s === 'number' && Number.isInteger(s) ? s : undefined;
  };
  const selfOk = (i: number): boolean => {
    const h = hashAt(i);
    return h !== null && h === field(i, 'hash');
  };

  const wanted = new Map<number, string>();
  const parsedCheckpoints: Array<{ raw: unknown; cp?: Checkpoint }> = checkpoints.map((raw) => {
    const r = CheckpointSchema.safeParse(raw);
    return r.success ? { raw, cp: r.data } : { raw };
  });
  for (const { cp } of parsedCheckpoints) if (cp) wanted.set(cp.treeSize, '');

  const acc = new MerkleAccumulator();
  let expSeq = 1;
  let expPrev = GENESIS_HASH;
  for (let i = 0; i < n; i++) {
    const e = entries[i];
    if (isObj(e) && e.seq === expSeq && e.prevHash === expPrev && selfOk(i)) {
      const h = e.hash as string;
      acc.push(h);
      if (wanted.has(expSeq)) wanted.set(expSeq, acc.root());
      expPrev = h;
      expSeq++;
      continue;
    }
    return locate(i, expSeq, expPrev);
  }
  const count = expSeq - 1;

  const head = options.expectedHead;
  if (head && head.seq > count)
    return fail(
      'deleted',
      count + 1,
      null,
      `entries up to seq ${head.seq}`,
      `${count} entries`,
      `the log's head says seq ${head.seq} but entries end at ${count}: entry ${count + 1} onwards was deleted`,
    );
  if (head && head.seq >= 1 && field(head.seq - 1, 'hash') !== head.hash)
    return fail(
      'edited',
      head.seq,
      head.seq - 1,
      head.hash,
      String(field(head.seq - 1, 'hash')),
      `entry ${head.seq} does not have the hash the log's head recorded: the chain was rewritten up to it`,
    );

  let signaturesVerified = false;
  let key: KeyObject | undefined;
  if (publicKey !== undefined) {
    key = toPublicKey(publicKey);
    signaturesVerified = true;
  }
  const sorted = parsedCheckpoints.slice().sort((a, b) => (a.cp?.treeSize ?? 0) - (b.cp?.treeSize ?? 0));
  for (const { raw, cp } of sorted) {
    if (!cp) {
      const size = isObj(raw) && typeof raw.treeSize === 'number' ? raw.treeSize : 0;
      return fail(
        'bad_signature',
        size,
        null,
        'a well-formed signed checkpoint',
        JSON.stringify(raw)?.slice(0, 200) ?? String(raw),
        'a checkpoint is malformed',
      );
    }
    if (key && !checkpointSignatureValid(cp, key))
      return fail(
        'bad_signature',
        cp.treeSize,
        null,
        `a valid ed25519 signature by key ${cp.keyId}`,
        cp.signature,
        `the checkpoint at tree size ${cp.treeSize} is not signed by the workspace key`,
      );
    if (options.workspaceId !== undefined && cp.workspaceId !== options.workspaceId)
      return fail(
        'checkpoint_mismatch',
        cp.treeSize,
        null,
        options.workspaceId,
        cp.workspaceId,
        `the checkpoint at tree size ${cp.treeSize} belongs to another workspace`,
      );
    if (cp.treeSize > count)
      return fail(
        'deleted',
        count + 1,
        null,
        `entries 1..${cp.treeSize} (signed checkpoint)`,
        `${count} entries`,
        `a signed checkpoint covers ${cp.treeSize} entries but only ${count} remain: entry ${count + 1} onwards was deleted`,
      );
    const root = wanted.get(cp.treeSize)!;
    if (root !== cp.rootHash)
      return fail(
        'checkpoint_mismatch',
        cp.treeSize,
        null,
        cp.rootHash,
        root,
        `entries 1..${cp.treeSize} no longer give the signed Merkle root: the chain was rewritten (and rehashed) before entry ${cp.treeSize + 1}`,
      );
    const h = field(cp.treeSize - 1, 'hash') as string;
    if (h !== cp.headHash)
      return fail(
        'checkpoint_mismatch',
        cp.treeSize,
        cp.treeSize - 1,
        cp.headHash,
        h,
        `entry ${cp.treeSize} does not have the hash its checkpoint signed`,
      );
  }
  return { ok: true, count, headHash: expPrev, rootHash: acc.root(), checkpointsVerified: sorted.length, signaturesVerified };

  /** Names the problem at position i, where the chain stopped matching (seq expSeq after expPrev). */
  function locate(i: number, expSeq: number, expPrev: string): VerifyResult {
    const positions = new Map<number, number[]>();
    for (let j = 0; j < n; j++) {
      const s = seqOf(j);
      if (s === undefined) continue;
      const list = positions.get(s);
      if (list) list.push(j);
      else positions.set(s, [j]);
    }
    const s = seqOf(i);
    const prev = field(i, 'prevHash');
    const good = selfOk(i);
    const fits = (j: number, seq: number, prevHash: string) => j < n && seqOf(j) === seq && field(j, 'prevHash') === prevHash && selfOk(j);
    const claimed = s === undefined ? String(field(i, 'seq')) : `seq ${s}`;

    // A genuine entry out of place: its seq is unique, the expected seq comes later, and its predecessor exists.
    if (good && s !== undefined && s > expSeq && positions.get(s)?.length === 1 && (positions.get(expSeq) ?? []).some((p) => p > i)) {
      const before = positions.get(s - 1) ?? [];
      if (before.some((p) => selfOk(p) && field(p, 'hash') === prev))
        return fail(
          'reordered',
          expSeq,
          i,
          `seq ${expSeq}`,
          `seq ${s}`,
          `entries are out of order: seq ${s} stands where seq ${expSeq} belongs`,
        );
    }
    // The next entry continues the chain from the last good one: this one is extra.
    if (fits(i + 1, expSeq, expPrev))
      return fail(
        'inserted',
        s ?? expSeq,
        i,
        `seq ${expSeq} after ${expPrev}`,
        claimed,
        `an entry that is not part of the chain was inserted before seq ${expSeq}`,
      );
    if (!good) {
      if (i === n - 1 && s !== expSeq && prev !== expPrev)
        return fail(
          'inserted',
          s ?? expSeq,
          i,
          `seq ${expSeq} after ${expPrev}`,
          claimed,
          `an entry that is not part of the chain was appended after seq ${expSeq - 1}`,
        );
      return fail(
        'edited',
        expSeq,
        i,
        String(field(i, 'hash')),
        hashAt(i) ?? 'a malformed entry',
        `entry ${expSeq} was edited: its content no longer matches its hash`,
      );
    }
    if (s === expSeq) {
      if (expSeq === 1)
        return fail('edited', 1, i, GENESIS_HASH, String(prev), 'entry 1 was edited and rehashed: its prevHash is not the genesis hash');
      return fail(
        'edited',
        expSeq - 1,
        i - 1,
        String(prev),
        expPrev,
        `entry ${expSeq - 1} was edited and its hash recomputed: entry ${expSeq} still links to its old hash`,
      );
    }
    if (s !== undefined && s > expSeq) {
      if (prev === expPrev)
        return fail('edited', expSeq, i, `seq ${expSeq}`, `seq ${s}`, `entry ${expSeq} was edited and rehashed: its seq now says ${s}`);
      const missing = s - expSeq === 1 ? `entry ${expSeq} is` : `entries ${expSeq}..${s - 1} are`;
      return fail('deleted', expSeq, i, `seq ${expSeq}`, `seq ${s}`, `${missing} missing: seq ${s} follows seq ${expSeq - 1}`);
    }
    if (s !== undefined && s < expSeq) {
      // Two entries claim seq s: the one the next entry links to is genuine, the other was inserted.
      const earlier = (positions.get(s) ?? []).filter((p) => p < i);
      const p = earlier[earlier.length - 1];
      if (p !== undefined && i + 1 < n && selfOk(i + 1) && field(i + 1, 'prevHash') === field(i, 'hash'))
        return fail(
          'inserted',
          s,
          p,
          `seq ${s} linked from seq ${s + 1}`,
          `an extra seq ${s}`,
          `an entry that is not part of the chain was inserted as seq ${s}`,
        );
      return fail('inserted', s, i, `seq ${expSeq}`, claimed, `an extra entry claiming seq ${s} was inserted after seq ${expSeq - 1}`);
    }
    return fail('edited', expSeq, i, `seq ${expSeq}`, claimed, `entry ${expSeq} was edited: its seq is not an integer`);
  }
}
