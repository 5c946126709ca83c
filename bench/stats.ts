/** Small helpers shared by the benchmarks: percentiles and a side-by-side table. */
export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

export interface Summary {
  name: string;
  n: number;
  p50: number;
  p95: number;
  p99: number;
  mean: number;
}

/** Summarises per-iteration durations in milliseconds. */
export function summarize(name: string, samplesMs: number[]): Summary {
  const sorted = [...samplesMs].sort((a, b) => a - b);
  const mean = sorted.reduce((a, b) => a + b, 0) / sorted.length;
  return { name, n: sorted.length, p50: percentile(sorted, 50), p95: percentile(sorted, 95), p99: percentile(sorted, 99), mean };
}

const us = (ms: number) => `${(ms * 1000).toFixed(1)} µs`;

/** Prints rows with each one's ratio to the first (the baseline). */
export function printTable(title: string, rows: Summary[]): void {
  const base = rows[0]!;
  console.log(`\n${title}`);
  console.log(
    [
      'path'.padEnd(44),
      'n'.padStart(6),
      'p50'.padStart(11),
      'p95'.padStart(11),
      'p99'.padStart(11),
      'mean'.padStart(11),
      'mean/base'.padStart(10),
    ].join(' '),
  );
  for (const r of rows) {
    console.log(
      [
        r.name.padEnd(44),
        String(r.n).padStart(6),
        us(r.p50).padStart(11),
        us(r.p95).padStart(11),
        us(r.p99).padStart(11),
        us(r.mean).padStart(11),
        `${(r.mean / base.mean).toFixed(2)}x`.padStart(10),
      ].join(' '),
    );
  }
}

/** Runs `fn` n times sequentially and returns per-call durations (ms). */
export async function timeEach(n: number, fn: () => Promise<unknown> | unknown): Promise<number[]> {
  const out = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await fn();
    out[i] = performance.now() - t;
  }
  return out;
}
