import { describe, expect, it } from 'vitest';
import { type AuditEntry, computeEntryHash, createEntry, GENESIS_HASH } from './entry.js';
import { forgedEntry, prng, sampleChain } from './test-chain.js';
import { verifyChain } from './verify.js';

const N = 10_000;
const chain = sampleChain(N);
const copy = () => chain.map((e) => ({ ...e, data: { ...e.data } }));

describe('verifyChain on an intact chain', () => {
  it('accepts 10,000 entries and reports the count and head', () => {
    const r = verifyChain(chain);
    expect(r).toMatchObject({ ok: true, count: N, headHash: chain[N - 1]!.hash });
  });

  it('accepts the empty log', () => {
    expect(verifyChain([])).toMatchObject({ ok: true, count: 0, headHash: GENESIS_HASH });
  });

  it('starts from the genesis hash and chains each prevHash to the previous hash', () => {
    expect(chain[0]!.prevHash).toBe(GENESIS_HASH);
    expect(chain[1]!.prevHash).toBe(chain[0]!.hash);
    expect(computeEntryHash(chain[42])).toBe(chain[42]!.hash);
  });
});

describe('edits are named at the exact entry', () => {
  const rand = prng(20261125);
  const positions = [1, N, 2, N - 1, ...Array.from({ length: 6 }, () => 1 + Math.floor(rand() * N))];

  for (const k of positions) {
    it(`a changed field in entry ${k} is 'edited' at ${k}`, () => {
      const entries = copy();
      entries[k - 1]!.data.status = 'error';
      expect(verifyChain(entries)).toMatchObject({ ok: false, problem: 'edited', seq: k, index: k - 1 });
    });
  }

  it('an edited hash field, timestamp, kind or prevHash is an edit of that entry', () => {
    const mutations: Array<(e: AuditEntry) => void> = [
      (e) => (e.hash = `${e.hash.slice(0, -1)}${e.hash.endsWith('0') ? '1' : '0'}`),
      (e) => (e.at = '2020-01-01T00:00:00.000Z'),
      (e) => (e.kind = 'admin.forged'),
      (e) => (e.prevHash = GENESIS_HASH),
    ];
    for (const mutate of mutations) {
      const entries = copy();
      mutate(entries[4999]!);
      expect(verifyChain(entries)).toMatchObject({ ok: false, problem: 'edited', seq: 5000 });
    }
  });

  it('an edit whose hash was recomputed is caught by the next entry and named at the edited entry', () => {
    const entries = copy();
    const e = entries[2999]!;
    entries[2999] = createEntry({ seq: 2999, hash: e.prevHash }, { at: e.at, kind: e.kind, data: { ...e.data, status: 'denied' } });
    expect(verifyChain(entries)).toMatchObject({ ok: false, problem: 'edited', seq: 3000, index: 2999 });
  });

  it('a field added to an entry is an edit', () => {
    const entries = copy();
    (entries[10] as Record<string, unknown>).note = 'added later';
    expect(verifyChain(entries)).toMatchObject({ ok: false, problem: 'edited', seq: 11 });
  });
});

describe('deletions are named at the first missing seq', () => {
  it.each([1, 2, 4321, N - 1])('deleting entry %i', (k) => {
    const entries = copy();
    entries.splice(k - 1, 1);
    expect(verifyChain(entries)).toMatchObject({ ok: false, problem: 'deleted', seq: k, expected: `seq ${k}`, actual: `seq ${k + 1}` });
  });

  it('deleting a run of entries names the first one', () => {
    const entries = copy();
    entries.splice(99, 5);
    expect(verifyChain(entries)).toMatchObject({ ok: false, problem: 'deleted', seq: 100, actual: 'seq 105' });
  });

  it('deleting the last entry is caught against the expected head', () => {
    const entries = copy().slice(0, -1);
    const head = { seq: N, hash: chain[N - 1]!.hash };
    expect(verifyChain(entries, [], undefined, { expectedHead: head })).toMatchObject({ ok: false, problem: 'deleted', seq: N });
  });
});

describe('insertions are named at the extra entry', () => {
  it('a forged entry between 500 and 501', () => {
    const entries = copy();
    entries.splice(500, 0, forgedEntry(501, 'f'.repeat(64)));
    expect(verifyChain(entries)).toMatchObject({ ok: false, problem: 'inserted', index: 500, seq: 501 });
  });

  it('a forged entry that links correctly (seq 501 after 500) is found by the genuine 501 that follows', () => {
    const entries = copy();
    entries.splice(500, 0, forgedEntry(501, chain[499]!.hash));
    expect(verifyChain(entries)).toMatchObject({ ok: false, problem: 'inserted', index: 500, seq: 501 });
  });

  it('a replayed copy of an entry', () => {
    const entries = copy();
    entries.splice(700, 0, { ...chain[699]! });
    expect(verifyChain(entries)).toMatchObject({ ok: false, problem: 'inserted', index: 700, seq: 700 });
  });

  it('garbage before the first entry and after the last', () => {
    const before = [{ seq: 1, junk: true }, ...copy()];
    expect(verifyChain(before)).toMatchObject({ ok: false, problem: 'inserted', index: 0 });
    const after = [...copy(), { seq: 77, prevHash: 'x', hash: 'y' }];
    expect(verifyChain(after)).toMatchObject({ ok: false, problem: 'inserted', index: N });
  });

  it('a well-formed forged first entry', () => {
    const entries = [createEntry(undefined, { at: 'x', kind: 'tool_call', data: {} }), ...copy()];
    expect(verifyChain(entries)).toMatchObject({ ok: false, problem: 'inserted', index: 0, seq: 1 });
  });
});

describe('reorders are named at the first displaced entry', () => {
  const swap = (a: number, b: number) => {
    const entries = copy();
    [entries[a - 1], entries[b - 1]] = [entries[b - 1]!, entries[a - 1]!];
    return entries;
  };
  it('two adjacent entries swapped', () => {
    expect(verifyChain(swap(1234, 1235))).toMatchObject({ ok: false, problem: 'reordered', seq: 1234, index: 1233, actual: 'seq 1235' });
  });
  it('two distant entries swapped', () => {
    expect(verifyChain(swap(10, 9000))).toMatchObject({ ok: false, problem: 'reordered', seq: 10 });
  });
  it('the first and the last swapped', () => {
    expect(verifyChain(swap(1, N))).toMatchObject({ ok: false, problem: 'reordered', seq: 1 });
  });
  it('an entry moved to the end', () => {
    const entries = copy();
    const [moved] = entries.splice(41, 1);
    entries.push(moved!);
    expect(verifyChain(entries)).toMatchObject({ ok: false, problem: 'reordered', seq: 42 });
  });
});

describe('malformed input', () => {
  it('non-objects and missing fields are edits at their position', () => {
    const entries: unknown[] = copy();
    entries[20] = null;
    expect(verifyChain(entries)).toMatchObject({ ok: false, problem: 'edited', seq: 21 });
    const noSeq: unknown[] = copy();
    delete (noSeq[30] as Record<string, unknown>).seq;
    expect(verifyChain(noSeq)).toMatchObject({ ok: false, problem: 'edited', seq: 31 });
  });
});
