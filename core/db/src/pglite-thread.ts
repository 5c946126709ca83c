import { Worker } from 'node:worker_threads';

/** The part of a PGlite client the Kysely dialect uses. */
export interface PgliteClientLike {
  query<T>(sql: string, params?: unknown[]): Promise<{ rows: T[]; affectedRows?: number }>;
  close(): Promise<void>;
}

type Reply = { id: number; ok: true; rows: unknown[]; affectedRows?: number } | { id: number; ok: false; error: Record<string, unknown> };

/** The worker's error back as an Error with PostgreSQL's fields (`code` 23505, `constraint`, ...), as PGlite throws it. */
function revive(data: Record<string, unknown>): Error {
  const err = new Error(String(data.message));
  Object.assign(err, data);
  return err;
}

/**
 * PGlite on a worker thread: the same client interface, each query posted to the worker and answered there, so the
 * embedded database's work (WebAssembly, file writes) never holds the host's event loop — a call waiting on nothing
 * but JavaScript is not delayed by another call's insert. Costs one message round trip per query (~tens of µs);
 * callers still get one connection (the dialect serializes them). In memory (no `dataDir`), `loadTarball` names a
 * template's tarball to start from (pglite-template.ts).
 */
export async function startPgliteThread(dataDir: string | undefined, loadTarball?: string): Promise<PgliteClientLike> {
  const worker = new Worker(new URL('./pglite-worker.mjs', import.meta.url), {
    workerData: { dataDir, loadTarball },
    // the worker needs no loader: it is plain JavaScript (and a TypeScript loader would slow its start)
    execArgv: [],
  });
  const pending = new Map<number, { resolve(r: Reply): void }>();
  let nextId = 1;
  let dead: Error | undefined;
  const fail = (err: Error) => {
    dead ??= err;
    for (const p of pending.values()) p.resolve({ id: 0, ok: false, error: { message: dead.message, code: 'PGLITE_THREAD_EXITED' } });
    pending.clear();
  };
  await new Promise<void>((resolve, reject) => {
    const onError = (err: Error) => reject(err);
    worker.once('error', onError);
    worker.once('message', (m: { ready: boolean; error?: Record<string, unknown> }) => {
      worker.off('error', onError);
      if (m.ready) resolve();
      else reject(revive(m.error ?? { message: 'PGlite did not open' }));
    });
  });
  worker.on('message', (m: Reply) => {
    const p = pending.get(m.id);
    if (!p) return;
    pending.delete(m.id);
    p.resolve(m);
  });
  worker.on('error', (err) => fail(err));
  worker.on('exit', (code) => fail(new Error(`PGlite is closed (its thread exited with code ${code})`)));
  const send = (msg: Record<string, unknown>): Promise<Reply> => {
    if (dead) return Promise.reject(new Error(`PGlite is closed: ${dead.message}`));
    const id = nextId++;
    return new Promise<Reply>((resolve) => {
      pending.set(id, { resolve });
      worker.postMessage({ ...msg, id });
    });
  };
  let closing: Promise<void> | undefined;
  return {
    async query<T>(sql: string, params: unknown[] = []) {
      const r = await send({ sql, params });
      if (!r.ok) throw revive(r.error);
      return { rows: r.rows as T[], ...(r.affectedRows !== undefined ? { affectedRows: r.affectedRows } : {}) };
    },
    close() {
      closing ??= (async () => {
        if (!dead) await send({ close: true });
        await worker.terminate();
      })();
      return closing;
    },
  };
}
