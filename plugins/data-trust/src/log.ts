import type { PluginStore } from '@neonhub/sdk';
import { createKeyedLock } from '@neonhub/sdk';
import { type AuditEntry, createEntry, GENESIS_HASH } from './core/entry.js';
import { type CompactRange, MerkleAccumulator } from './core/merkle.js';
import { CHECKPOINT_TYPE, type Checkpoint, signCheckpoint } from './core/signing.js';
import { dataTrustErrors } from './errors.js';
import { getSigningKey, META } from './keys.js';

export const ENTRIES = 'audit-entries';
export const CHECKPOINTS = 'audit-checkpoints';
const HEAD = 'head';
const PAGE = 1000;

/** Entry keys sort in seq order: `0000000000000042`. */
export const entryKey = (seq: number) => String(seq).padStart(16, '0');

/** A hint of the chain's tail kept beside it (may lag behind; writers catch up from the entries). */
export interface Head {
  seq: number;
  hash: string;
  merkle: CompactRange;
}

const EMPTY_HEAD: Head = { seq: 0, hash: GENESIS_HASH, merkle: { size: 0, roots: [] } };

export async function readHead(store: PluginStore): Promise<{ head: Head; version: number }> {
  const r = await store.get<Head>(META, HEAD);
  return r ? { head: r.value, version: r.version } : { head: EMPTY_HEAD, version: 0 };
}

/** Applies the entries stored after `head` (written by another process, or before a head update failed). */
async function catchUp(store: PluginStore, head: Head): Promise<Head> {
  let seq = head.seq;
  let hash = head.hash;
  const acc = new MerkleAccumulator(head.merkle);
  for (;;) {
    const rows = await store.list<AuditEntry>(ENTRIES, { after: entryKey(seq), limit: PAGE });
    for (const row of rows) {
      seq = typeof row.value.seq === 'number' ? row.value.seq : seq + 1;
      hash = row.value.hash;
      acc.push(hash);
    }
    if (rows.length < PAGE) return { seq, hash, merkle: acc.toJSON() };
  }
}

/** Moves the head hint forward (never back) with compare-and-set; returns the hint's version now (undefined: unknown). */
async function saveHead(store: PluginStore, next: Head, version: number): Promise<number | undefined> {
  let v = version;
  for (let i = 0; i < 8; i++) {
    const written = await store.putIf(META, HEAD, next, v);
    if (written !== null) return written;
    const cur = await store.get<Head>(META, HEAD);
    if (!cur) return undefined;
    if (cur.value.seq >= next.seq) return cur.version;
    v = cur.version;
  }
  return undefined;
}

/** Every entry of the log in key (= seq) order, paging through the store. */
export async function readEntries(store: PluginStore): Promise<unknown[]> {
  return readAll(store, ENTRIES);
}

export async function readCheckpoints(store: PluginStore): Promise<unknown[]> {
  return readAll(store, CHECKPOINTS);
}

async function readAll(store: PluginStore, collection: string): Promise<unknown[]> {
  const out: unknown[] = [];
  let after: string | undefined;
  for (;;) {
    const rows = await store.list(collection, { limit: PAGE, ...(after === undefined ? {} : { after }) });
    for (const r of rows) out.push(r.value);
    if (rows.length < PAGE) return out;
    after = rows[rows.length - 1]!.key;
  }
}

export interface AppendResult {
  entry: AuditEntry;
  /** Set when this append completed a checkpoint interval. */
  checkpoint?: Checkpoint;
}

/** Entries one group commit writes at most (one INSERT). */
const MAX_GROUP = 500;
/** The head hint is saved when the queue drains, and at least every this many entries under steady load. */
const HINT_EVERY = 1000;

interface Pending {
  store: PluginStore;
  fields: { kind: string; data: Record<string, unknown> };
  checkpointEvery: number;
  resolve(result: AppendResult): void;
  reject(err: unknown): void;
}

/** What this process knows of one workspace's chain: the tail it wrote last (valid until another writer appends). */
interface Tail {
  head: Head;
  /** Version of the stored head hint, and the seq it says. */
  hintVersion: number;
  hintSeq: number;
}

/**
 * The store-backed audit log, appended by **group commit**: concurrent appends to one workspace are queued, sequenced
 * and hashed in memory from the chain's tail (kept in memory, not read per append), and written as one all-or-none
 * `insertAll` (one round trip for the group). Each append resolves only once its entry is durable, so a crash never
 * loses an acknowledged entry. Across processes the insert is the arbiter: if another writer took one of the keys,
 * nothing of the group is written, the tail catches up from the stored entries and the group is re-hashed.
 */
export function createAuditLog(opts: { now: () => Date }) {
  const lock = createKeyedLock();
  const queues = new Map<string, { pending: Pending[]; flushing: boolean }>();
  const tails = new Map<string, Tail>();
  let sinceHint = 0;

  async function writeCheckpoint(store: PluginStore, workspaceId: string, head: Head): Promise<Checkpoint> {
    const existing = await store.get<Checkpoint>(CHECKPOINTS, entryKey(head.seq));
    if (existing) return existing.value;
    const key = await getSigningKey(store, opts.now);
    const checkpoint = signCheckpoint(
      {
        type: CHECKPOINT_TYPE,
        workspaceId,
        treeSize: head.seq,
        rootHash: new MerkleAccumulator(head.merkle).root(),
        headHash: head.hash,
        at: opts.now().toISOString(),
        keyId: key.keyId,
      },
      key.privateKeyPem,
    );
    if ((await store.putIf(CHECKPOINTS, entryKey(head.seq), checkpoint, 0)) !== null) return checkpoint;
    return (await store.get<Checkpoint>(CHECKPOINTS, entryKey(head.seq)))!.value;
  }

  async function loadTail(store: PluginStore, workspaceId: string): Promise<Tail> {
    const known = tails.get(workspaceId);
    if (known) return known;
    const { head, version } = await readHead(store);
    const tail = { head: await catchUp(store, head), hintVersion: version, hintSeq: head.seq };
    tails.set(workspaceId, tail);
    return tail;
  }

  /** Writes one group: sequenced from the tail, inserted all-or-none; on a lost race, catch up and re-hash. */
  async function commit(workspaceId: string, group: Pending[]): Promise<void> {
    const store = group[0]!.store;
    let tail = await loadTail(store, workspaceId);
    for (let attempt = 0; attempt < 100; attempt++) {
      const at = opts.now().toISOString();
      const acc = new MerkleAccumulator(tail.head.merkle);
      const entries: AuditEntry[] = [];
      const checkpointAt = new Map<number, Head>();
      let prev: { seq: number; hash: string } = tail.head;
      for (const p of group) {
        const entry = createEntry(prev, { at, ...p.fields });
        acc.push(entry.hash);
        if (entry.seq % p.checkpointEvery === 0)
          checkpointAt.set(entries.length, { seq: entry.seq, hash: entry.hash, merkle: acc.toJSON() });
        entries.push(entry);
        prev = entry;
      }
      const last = entries[entries.length - 1]!;
      const head: Head = { seq: last.seq, hash: last.hash, merkle: acc.toJSON() };
      // The entries and the head hint in one statement: the hint never lags behind an acknowledged entry (so a
      // deleted tail is caught by verify), at one round trip per group.
      const written = await store.insertAllAndPutIf(
        ENTRIES,
        entries.map((e) => ({ key: entryKey(e.seq), value: e })),
        { collection: META, key: HEAD, value: head, expectedVersion: tail.hintVersion },
      );
      if (written.inserted) {
        // a hint moved by another writer is caught up by saveHint (compare-and-set) once the queue drains
        tail = written.version === null ? { ...tail, head } : { head, hintVersion: written.version, hintSeq: head.seq };
        tails.set(workspaceId, tail);
        group.forEach((p, i) => {
          if (!checkpointAt.has(i)) p.resolve({ entry: entries[i]! });
        });
        for (const [i, head] of checkpointAt)
          group[i]!.resolve({ entry: entries[i]!, checkpoint: await writeCheckpoint(store, workspaceId, head) });
        sinceHint += entries.length;
        return;
      }
      tail = { ...tail, head: await catchUp(store, tail.head) };
    }
    throw dataTrustErrors.create(
      'NH_DATA_TRUST_APPEND_CONFLICT',
      'could not append to the audit log: other writers kept taking the next seq; retry',
      {
        details: { workspaceId },
      },
    );
  }

  /** Moves the stored head hint to the tail (when the queue drains, or every HINT_EVERY entries). */
  async function saveHint(store: PluginStore, workspaceId: string): Promise<void> {
    const tail = tails.get(workspaceId);
    if (!tail || tail.hintSeq >= tail.head.seq) return;
    const version = await saveHead(store, tail.head, tail.hintVersion);
    if (version === undefined) tails.delete(workspaceId);
    else tails.set(workspaceId, { ...(tails.get(workspaceId) ?? tail), hintVersion: version, hintSeq: tail.head.seq });
    sinceHint = 0;
  }

  async function drain(workspaceId: string, q: { pending: Pending[]; flushing: boolean }): Promise<void> {
    q.flushing = true;
    try {
      while (q.pending.length) {
        const group = q.pending.splice(0, MAX_GROUP);
        await lock(workspaceId, async () => {
          try {
            await commit(workspaceId, group);
            if (q.pending.length === 0 || sinceHint >= HINT_EVERY) await saveHint(group[0]!.store, workspaceId);
          } catch (err) {
            tails.delete(workspaceId); // re-read from the store next time
            for (const p of group) p.reject(err);
          }
        });
      }
    } finally {
      q.flushing = false;
    }
  }

  return {
    /** Appends one entry; resolves once it is durable (with the checkpoint it completed, if any). */
    append(
      store: PluginStore,
      workspaceId: string,
      fields: { kind: string; data: Record<string, unknown> },
      checkpointEvery: number,
    ): Promise<AppendResult> {
      return new Promise<AppendResult>((resolve, reject) => {
        let q = queues.get(workspaceId);
        if (!q) {
          q = { pending: [], flushing: false };
          queues.set(workspaceId, q);
        }
        q.pending.push({ store, fields, checkpointEvery, resolve, reject });
        if (!q.flushing) void drain(workspaceId, q);
      });
    },

    /** Signs a checkpoint over the whole log as it is now (returns the existing one when the log has not grown). */
    checkpoint(store: PluginStore, workspaceId: string): Promise<{ checkpoint: Checkpoint; created: boolean }> {
      return lock(workspaceId, async () => {
        const { head: hint, version } = await readHead(store);
        const head = await catchUp(store, hint);
        if (head.seq === 0)
          throw dataTrustErrors.create('NH_DATA_TRUST_LOG_EMPTY', 'the audit log has no entries yet, so there is nothing to checkpoint');
        if (head.seq !== hint.seq) {
          const saved = await saveHead(store, head, version);
          const tail = tails.get(workspaceId);
          if (tail && saved !== undefined && tail.head.seq === head.seq)
            tails.set(workspaceId, { ...tail, hintVersion: saved, hintSeq: head.seq });
        }
        const before = await store.get(CHECKPOINTS, entryKey(head.seq));
        const checkpoint = await writeCheckpoint(store, workspaceId, head);
        return { checkpoint, created: !before };
      });
    },

    /** The head hint, caught up to the last stored entry. */
    async head(store: PluginStore): Promise<Head> {
      return catchUp(store, (await readHead(store)).head);
    },
  };
}

export type AuditLog = ReturnType<typeof createAuditLog>;
