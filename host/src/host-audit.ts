import { createHash } from 'node:crypto';
import { appendFile, mkdir, readFile } from 'node:fs/promises';
import { dirname } from 'node:path';

/** One entry of the host's own audit log (events that belong to no workspace: plugin drift, quarantines). */
export interface HostAuditEntry {
  seq: number;
  at: string;
  kind: string;
  data: Record<string, unknown>;
  /** Hash of the previous entry (`sha256-` of nothing for the first). */
  prev: string;
  /** sha256 over `prev` and this entry's seq, at, kind and data. */
  hash: string;
}

const sha256 = (text: string) => `sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}`;
const GENESIS = sha256('');

export function hashEntry(e: Omit<HostAuditEntry, 'hash'>): string {
  return sha256(JSON.stringify([e.prev, e.seq, e.at, e.kind, e.data]));
}

/** Reads the log; `broken` is the seq of the first entry whose chain does not hold, if any. */
export async function readHostAudit(file: string): Promise<{ entries: HostAuditEntry[]; broken?: number }> {
  let text = '';
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
  const entries = text
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as HostAuditEntry);
  let prev = GENESIS;
  for (const e of entries) {
    if (e.prev !== prev || hashEntry(e) !== e.hash) return { entries, broken: e.seq };
    prev = e.hash;
  }
  return { entries };
}

/**
 * An append-only, hash-chained JSON Lines log in the data directory (`audit/host.jsonl`) for
 * host-level events. Appends are serialized; a workspace's own audit trail stays with the
 * data-trust plugin.
 */
export function createHostAudit(file: string) {
  let tail: Promise<{ seq: number; hash: string }> | undefined;
  const last = async () => {
    const { entries } = await readHostAudit(file);
    const end = entries.at(-1);
    return end ? { seq: end.seq, hash: end.hash } : { seq: 0, hash: GENESIS };
  };
  return {
    file,
    append(kind: string, data: Record<string, unknown>): Promise<HostAuditEntry> {
      const next = (tail ?? last()).then(async (prev) => {
        const base = { seq: prev.seq + 1, at: new Date().toISOString(), kind, data, prev: prev.hash };
        const entry: HostAuditEntry = { ...base, hash: hashEntry(base) };
        await mkdir(dirname(file), { recursive: true });
        await appendFile(file, `${JSON.stringify(entry)}\n`);
        return entry;
      });
      tail = next.then(
        (e) => ({ seq: e.seq, hash: e.hash }),
        () => last(),
      );
      return next;
    },
  };
}

export type HostAudit = ReturnType<typeof createHostAudit>;
