import type { PluginStore } from '@neonhub/sdk';
import { createKeyedLock } from '@neonhub/sdk';
import { type AuditEntry, createEntry, GENESIS_HASH } from './core/entry.js';
import { type CompactRange, MerkleAccumulator } from './core/merkle.js';
import { CHECKPOINT_TYPE, type Checkpoint, signCheckpoint } from './core/signing.js';
import { dataTrustErrors } from './errors.js';
import { getSigningKey, META } from './keys.js';

export const ENTRIES = 'audit-entries';
export const CHECKPOINTS = 'audit-checkpoints';
/** The chain's head rows: one per group commit, key = the group's last seq, inserted with the group's entries. */
export const HEADS = 'audit-heads';
/** The head of chains written before head rows (one record in META, updated per group): read, never written now. */
const LEGACY_HEAD = 'head';
const PAGE = 1000;

/** Entry keys sort in seq order: `0000000000000042`. */
export const entryKey = (seq: number) => String(seq).padStart(16, '0');

/** The chain's tail as its writer left it: seq, hash and the Merkle compact range (what checkpoints need). */
export interface Head {
  seq: number;
  hash: string;
  merkle: CompactRange;
}

const EMPTY_HEAD: Head = { seq: 0, hash: GENESIS_HASH, merkle: { size: 0, roots: [] } };

/**
 * The stored head: the newest head row (the rows before it are pruned in batches, so this reads a few hundred at
 * most), or the legacy head record of a chain written before head rows, whichever is further.
 */
export async function readHead(store: PluginStore): Promise<Head> {
  let head = (await store.get<Head>(META, LEGACY_HEAD))?.value ?? EMPTY_HEAD;
  let after: string | undefined;
  for (;;) {
    const rows = await store.list<Head>(HEADS, { limit: PAGE, ...(after === undefined ? {} : { after }) });
    const last = rows[rows.length - 1];
    if (last && last.value.seq > head.seq) head = last.value;
    if (rows.length < PAGE) return head;
    after = last!.key;
  }
}

/** Applies the entries stored after `head` (written by another process). */
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
/** Head rows older than the newest are deleted (one statement, after a group is acknowledged) every this many. */
const PRUNE_EVERY = 256;

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
  /** Head rows this process inserted since it last pruned. */
  heads: number;
}

/**
 * The store-backed audit log, appended by **group commit**: concurrent appends to one workspace are queued, sequenced
 * and hashed in memory from the chain's tail (kept in memory, not read per append), and written as one all-or-none
 * `insertAll` of the entries and a head row (one round trip for the group). Each append resolves only once its entry is durable, so a crash never
 * loses an acknowledged entry. Across processes the insert is the arbiter: if another writer took one of the keys,
 * nothing of the group is written, the tail catches up from the stored entries and the group is re-hashed.
 */
export function createAuditLog(opts: { now: () => Date }) {
  const lock = createKeyedLock();
  const queues = new Map<string, { pending: Pending[]; flushing: boolean }>();
  const tails = new Map<string, Tail>();

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
    const tail = { head: await catchUp(store, await readHead(store)), heads: 0 };
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
      // The entries and a head row of their own in ONE insert: the head never lags behind an acknowledged entry (so
      // a deleted tail is caught by verify), at one round trip per group and no update (on PGlite an update of the
      // head costed more than the insert of a row: bench/trust --sql-micro).
      const records: Array<{ key: string; value: unknown; collection?: string }> = entries.map((e) => ({
        key: entryKey(e.seq),
        value: e,
      }));
      records.push({ collection: HEADS, key: entryKey(head.seq), value: head });
      if (await store.insertAll(ENTRIES, records)) {
        tail = { head, heads: tail.heads + 1 };
        tails.set(workspaceId, tail);
        group.forEach((p, i) => {
          if (!checkpointAt.has(i)) p.resolve({ entry: entries[i]! });
        });
        for (const [i, head] of checkpointAt)
          group[i]!.resolve({ entry: entries[i]!, checkpoint: await writeCheckpoint(store, workspaceId, head) });
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

  /** Deletes the head rows before the newest, once this process wrote PRUNE_EVERY of them (after they were acknowledged). */
  async function prune(store: PluginStore, workspaceId: string): Promise<void> {
    const tail = tails.get(workspaceId);
    if (!tail || tail.heads < PRUNE_EVERY) return;
    try {
      await store.deleteBefore(HEADS, entryKey(tail.head.seq));
      tails.set(workspaceId, { ...tail, heads: 0 });
    } catch {
      // the rows stay until the next prune; nothing depends on them being gone
    }
  }

  async function drain(workspaceId: string, q: { pending: Pending[]; flushing: boolean }): Promise<void> {
    q.flushing = true;
    try {
      while (q.pending.length) {
        const group = q.pending.splice(0, MAX_GROUP);
        await lock(workspaceId, async () => {
          try {
            await commit(workspaceId, group);
          } catch (err) {
            tails.delete(workspaceId); // re-read from the store next time
            for (const p of group) p.reject(err);
            return;
          }
          // after the group's calls were answered; also under a queue that never empties (one statement in 256 groups)
          await prune(group[0]!.store, workspaceId);
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
        const stored = await readHead(store);
        const head = await catchUp(store, stored);
        if (head.seq === 0)
          throw dataTrustErrors.create('NH_DATA_TRUST_LOG_EMPTY', 'the audit log has no entries yet, so there is nothing to checkpoint');
        // a legacy head record could lag behind the entries: record the head they reach (a head row is only inserted)
        if (head.seq !== stored.seq) await store.putIf(HEADS, entryKey(head.seq), head, 0);
        const before = await store.get(CHECKPOINTS, entryKey(head.seq));
        const checkpoint = await writeCheckpoint(store, workspaceId, head);
        return { checkpoint, created: !before };
      });
    },

    /** The stored head, caught up to the last stored entry. */
    async head(store: PluginStore): Promise<Head> {
      return catchUp(store, await readHead(store));
    },
  };
}

export type AuditLog = ReturnType<typeof createAuditLog>;
