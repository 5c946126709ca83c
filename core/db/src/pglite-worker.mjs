// The embedded database on a thread of its own (see pglite-thread.ts): PGlite opened here, and every query the
// main thread posts run here, so its WebAssembly work never holds the host's event loop.
// Plain JavaScript so it runs as it is under any loader (tsx, vitest, node).
import { readFile } from 'node:fs/promises';
import { parentPort, workerData } from 'node:worker_threads';
import { PGlite } from '@electric-sql/pglite';
import { vector } from '@electric-sql/pglite-pgvector';

/** An error as plain data: PostgreSQL's fields (code, constraint, detail, ...) survive the trip to the main thread. */
function plain(err) {
  const out = { message: err instanceof Error ? err.message : String(err), name: err?.name ?? 'Error' };
  if (err && typeof err === 'object')
    for (const [k, v] of Object.entries(err)) if (v === null || ['string', 'number', 'boolean'].includes(typeof v)) out[k] = v;
  return out;
}

let client;
try {
  const source = workerData.dataDir
    ? { dataDir: workerData.dataDir }
    : workerData.loadTarball // a template's tarball (pglite-template.ts): an in-memory database without initdb
      ? { loadDataDir: new Blob([await readFile(workerData.loadTarball)]) }
      : {};
  client = await PGlite.create({ ...source, extensions: { vector } });
  await client.exec('CREATE EXTENSION IF NOT EXISTS vector');
  parentPort.postMessage({ ready: true });
} catch (err) {
  parentPort.postMessage({ ready: false, error: plain(err) });
}

parentPort.on('message', async (msg) => {
  if (msg.close) {
    try {
      await client?.close();
    } finally {
      parentPort.postMessage({ id: msg.id, ok: true, rows: [] });
      parentPort.close();
    }
    return;
  }
  try {
    const r = await client.query(msg.sql, msg.params);
    parentPort.postMessage({ id: msg.id, ok: true, rows: r.rows, affectedRows: r.affectedRows });
  } catch (err) {
    parentPort.postMessage({ id: msg.id, ok: false, error: plain(err) });
  }
});
