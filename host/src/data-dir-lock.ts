import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { hostErrors } from './errors.js';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export interface LockHolder {
  pid: number;
  purpose?: string;
  /** The HTTP address of a running `neonhub start`, for CLI commands to use instead of the database. */
  url?: string;
}

/** The live process holding the data directory, if any. */
export function lockHolder(dataDir: string): LockHolder | undefined {
  try {
    const holder = JSON.parse(readFileSync(join(dataDir, 'neonhub.pid'), 'utf8')) as LockHolder;
    return holder.pid && holder.pid !== process.pid && alive(holder.pid) ? holder : undefined;
  } catch {
    return undefined;
  }
}

/** Records the address of the running host in the lock file (after `listen`). */
export function advertiseUrl(dataDir: string, url: string) {
  const file = join(dataDir, 'neonhub.pid');
  const holder = JSON.parse(readFileSync(file, 'utf8')) as LockHolder;
  writeFileSync(file, JSON.stringify({ ...holder, url }));
}

/**
 * PGlite is one connection in one process: two processes opening the same data directory would
 * corrupt it. The first process takes `<dataDir>/neonhub.pid`; another gets NH_DATA_DIR_LOCKED.
 */
export function lockDataDir(dataDir: string, purpose: string): () => void {
  mkdirSync(dataDir, { recursive: true });
  const file = join(dataDir, 'neonhub.pid');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(file, JSON.stringify({ pid: process.pid, purpose, since: new Date().toISOString() }), { flag: 'wx' });
      let released = false;
      const release = () => {
        if (released) return;
        released = true;
        rmSync(file, { force: true });
      };
      process.once('exit', release);
      return release;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      let holder: { pid?: number; purpose?: string } = {};
      try {
        holder = JSON.parse(readFileSync(file, 'utf8'));
      } catch {}
      if (holder.pid && holder.pid !== process.pid && alive(holder.pid)) {
        throw hostErrors.create(
          'NH_DATA_DIR_LOCKED',
          `the embedded database in ${dataDir} is in use by process ${holder.pid} (${holder.purpose ?? 'neonhub'}); stop it first, use the HTTP API, or set DATABASE_URL to share a PostgreSQL server`,
          { details: { pid: holder.pid, dataDir } },
        );
      }
      rmSync(file, { force: true }); // stale: its process is gone
    }
  }
  throw hostErrors.create('NH_DATA_DIR_LOCKED', `could not take the lock on ${dataDir}`);
}
