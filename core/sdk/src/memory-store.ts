import type { PluginStore, StoredRecord } from './types.js';

/**
 * An in-memory PluginStore with the same semantics as the host's database-backed one: for the
 * harness, tests and standalone runs. One instance is one (workspace, plugin) scope.
 */
export function createMemoryStore(): PluginStore {
  const collections = new Map<string, Map<string, StoredRecord>>();
  let seq = 0;
  const col = (name: string) => {
    let c = collections.get(name);
    if (!c) {
      c = new Map();
      collections.set(name, c);
    }
    return c;
  };
  const clone = <T>(v: T): T => (v === undefined ? v : structuredClone(v));
  const write = (collection: string, key: string, value: unknown): number => {
    const c = col(collection);
    const prev = c.get(key);
    const version = (prev?.version ?? 0) + 1;
    c.set(key, { key, value: clone(value), version, seq: prev?.seq ?? ++seq, updatedAt: new Date().toISOString() });
    return version;
  };

  const insertAll: PluginStore['insertAll'] = async (collection, records) => {
    const keys = new Set<string>();
    for (const r of records) {
      const c = r.collection ?? collection;
      const id = `${c}\u0000${r.key}`;
      if (col(c).has(r.key) || keys.has(id)) return false;
      keys.add(id);
    }
    for (const r of records) write(r.collection ?? collection, r.key, r.value);
    return true;
  };

  return {
    async get<T>(collection: string, key: string) {
      const r = col(collection).get(key);
      return r ? ({ ...r, value: clone(r.value) } as StoredRecord<T>) : undefined;
    },
    async put(collection, key, value) {
      return write(collection, key, value);
    },
    async putIf(collection, key, value, expectedVersion) {
      const current = col(collection).get(key)?.version ?? 0;
      return current === expectedVersion ? write(collection, key, value) : null;
    },
    async delete(collection, key) {
      return col(collection).delete(key);
    },
    async deleteBefore(collection, key) {
      const c = col(collection);
      let n = 0;
      for (const k of [...c.keys()]) if (k < key && c.delete(k)) n++;
      return n;
    },
    async list<T>(collection: string, opts: { prefix?: string; limit?: number; after?: string | number; order?: 'key' | 'seq' } = {}) {
      const bySeq = opts.order === 'seq';
      let rows = [...col(collection).values()].filter((r) => !opts.prefix || r.key.startsWith(opts.prefix));
      rows.sort((a, b) => (bySeq ? a.seq - b.seq : a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
      if (opts.after !== undefined) rows = rows.filter((r) => (bySeq ? r.seq > Number(opts.after) : r.key > String(opts.after)));
      return rows.slice(0, opts.limit ?? 1000).map((r) => ({ ...r, value: clone(r.value) })) as StoredRecord<T>[];
    },
    insertAll,
    async append(collection, value) {
      const next = seq + 1;
      write(collection, String(next).padStart(16, '0'), value);
      return next;
    },
    async count(collection) {
      return col(collection).size;
    },
  };
}
