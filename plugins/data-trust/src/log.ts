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

/** Moves the head hint forward (never back) with compare-and-set. */
async function saveHead(store: PluginStore, next: Head, version: number): Promise<void> {
  let v = version;
  for (let i = 0; i < 8; i++) {
    if ((await store.putIf(META, HEAD, next, v)) !== null) return;
    const cur = await store.get<Head>(META, HEAD);
    if (!cur || cur.value.seq >= next.seq) return;
    v = cur.version;
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

/**
 * The store-backed audit log. Appends are serialized per workspace in this process, and made safe
 * across processes by compare-and-set on the next entry's key: two writers can never both write seq k.
 */
export function createAuditLog(opts: { now: () => Date }) {
  const lock = createKeyedLock();

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

  return {
    append(
      store: PluginStore,
      workspaceId: string,
      fields: { kind: string; data: Record<string, unknown> },
      checkpointEvery: number,
    ): Promise<AppendResult> {
      return lock(workspaceId, async () => {
        let { head, version } = await readHead(store);
        for (let attempt = 0; attempt < 100; attempt++) {
          const entry = createEntry(head, { at: opts.now().toISOString(), ...fields });
          if ((await store.putIf(ENTRIES, entryKey(entry.seq), entry, 0)) !== null) {
            const acc = new MerkleAccumulator(head.merkle);
            acc.push(entry.hash);
            const next: Head = { seq: entry.seq, hash: entry.hash, merkle: acc.toJSON() };
            await saveHead(store, next, version);
            if (entry.seq % checkpointEvery === 0) return { entry, checkpoint: await writeCheckpoint(store, workspaceId, next) };
            return { entry };
          }
          head = await catchUp(store, head);
        }
        throw dataTrustErrors.create(
          'NH_DATA_TRUST_APPEND_CONFLICT',
          'could not append to the audit log: other writers kept taking the next seq; retry',
          {
            details: { workspaceId },
          },
        );
      });
    },

    /** Signs a checkpoint over the whole log as it is now (returns the existing one when the log has not grown). */
    checkpoint(store: PluginStore, workspaceId: string): Promise<{ checkpoint: Checkpoint; created: boolean }> {
      return lock(workspaceId, async () => {
        const { head: hint, version } = await readHead(store);
        const head = await catchUp(store, hint);
        if (head.seq === 0)
          throw dataTrustErrors.create('NH_DATA_TRUST_LOG_EMPTY', 'the audit log has no entries yet, so there is nothing to checkpoint');
        if (head.seq !== hint.seq) await saveHead(store, head, version);
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
