/**
 * Outbox benchmark: dispatcher throughput vs the client called directly in a loop, side by side, same concurrency.
 *
 * - direct: N POSTs to a provider on a local port (the fixture connector's wire format: JSON body, Idempotency-Key),
 *   `fetch` in a loop with C in flight — what a connector's client library does when called straight.
 * - outbox: the same N sends through the host: each call goes through the pipeline into the outbox (PGlite, or
 *   PostgreSQL with DATABASE_URL, in-process queue, or BullMQ with REDIS_URL) and the dispatcher delivers it with
 *   concurrency C through the fixture connector; timed from the first call to the last message accepted.
 *
 * The provider answers after `latency` ms (a real e-mail API takes tens of ms; 0 measures the outbox's own cost).
 * Usage: tsx bench/outbox/run.ts [n=500] [concurrency=16] [latencyMs=20,0]
 */
import { randomUUID } from 'node:crypto';
import pino from 'pino';
import { loadConfig } from '../../host/src/config.js';
import { createHost } from '../../host/src/host.js';
import { lockRoot, makeRoot, removeRoot } from '../../host/test/integration/helpers.js';
import { startCountingProvider, writeFixtureConnector } from '../../host/test/outbox/fixtures.js';

const N = Number(process.argv[2] ?? 500);
const C = Number(process.argv[3] ?? 16);
const LATENCIES = (process.argv[4] ?? '20,0').split(',').map(Number);

async function pool(n: number, c: number, fn: (i: number) => Promise<void>) {
  let next = 0;
  await Promise.all(
    Array.from({ length: c }, async () => {
      for (let i = next++; i < n; i = next++) await fn(i);
    }),
  );
}

const provider = await startCountingProvider();
process.env.FX_BENCH_URL = provider.url;
const root = makeRoot('bench-outbox', []);
await writeFixtureConnector(root, 'fixture-bench', { urlEnv: 'FX_BENCH_URL' });
await lockRoot(root);
const config = loadConfig(
  {
    NEONHUB_DATA_DIR: '.neonhub',
    NEONHUB_OUTBOUND_ALLOW: '127.0.0.1',
    ...(process.env.DATABASE_URL ? { DATABASE_URL: process.env.DATABASE_URL } : {}),
    ...(process.env.REDIS_URL ? { REDIS_URL: process.env.REDIS_URL } : {}),
    ...(process.env.NEONHUB_SECRET_KEY ? { NEONHUB_SECRET_KEY: process.env.NEONHUB_SECRET_KEY } : {}),
  },
  root,
);
const host = await createHost({
  config,
  logger: pino({ level: 'error' }),
  seed: false,
  outbox: { concurrency: C, waitMs: () => 0, prefix: `nhbench-outbox-${process.pid}` },
});
const ws = `bench${Date.now()}`;
await host.storage.service.createWorkspace({ slug: ws });
await host.storage.service.enablePlugin(ws, 'fixture-bench');
const backend = `${host.storage.dialect}, ${host.outbox.backend === 'bullmq' ? 'BullMQ' : 'in-process queue'}`;

async function direct(): Promise<number> {
  const t0 = performance.now();
  await pool(N, C, async () => {
    const res = await fetch(`${provider.url}/send`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'idempotency-key': randomUUID() },
      body: JSON.stringify({ to: 'bench@example.com', text: 'hello' }),
    });
    await res.json();
  });
  return (N / (performance.now() - t0)) * 1000;
}

async function outbox(): Promise<number> {
  const target = provider.accepted.length + N;
  const t0 = performance.now();
  await pool(N, C, async () => {
    await host.callTool({
      workspace: ws,
      tool: 'fixture-bench:send',
      input: { to: 'bench@example.com', text: 'hello' },
      actor: { type: 'system', id: 'bench' },
      idempotencyKey: randomUUID(),
    });
  });
  while (provider.accepted.length < target) await new Promise((r) => setTimeout(r, 2));
  return (N / (performance.now() - t0)) * 1000;
}

console.log(`outbox vs direct: ${N} sends, concurrency ${C}, ${backend}; median of 3 rounds after a warm-up`);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[1]!;
const rows: string[] = [];
for (const latency of LATENCIES) {
  provider.latencyMs = latency;
  await direct();
  await outbox();
  const d: number[] = [];
  const o: number[] = [];
  for (let r = 0; r < 3; r++) {
    d.push(await direct());
    o.push(await outbox());
  }
  const dm = median(d);
  const om = median(o);
  rows.push(
    `provider latency ${String(latency).padStart(3)} ms | direct ${dm.toFixed(0).padStart(6)} msg/s | outbox ${om.toFixed(0).padStart(6)} msg/s | ratio ${(om / dm).toFixed(2)}x  (rounds direct ${d.map((x) => x.toFixed(0)).join('/')}, outbox ${o.map((x) => x.toFixed(0)).join('/')})`,
  );
  console.log(rows.at(-1));
}
await host.close();
await provider.close();
removeRoot(root);
