/**
 * Console benchmark: Largest Contentful Paint of the home, run and approvals pages in Chromium, in a workspace
 * holding 1,000 runs (8 steps each; 10 of them waiting for approval) and 10,000 drafts (agent-content's store,
 * two versions each), side by side with an empty workspace on the same host (the baseline). Each page is loaded
 * `rounds` times in a fresh page, interleaved (empty, full, empty, ...) so machine load falls on both alike; p50
 * and p95 of each page are reported with the load average (the machine's load is part of the figure). Goal (issue 16): LCP <= 1.5 s at p95 with the data (the exit
 * code is 1 when a page's p95 is over).
 * Needs the built console (pnpm --filter @neonhub/ui build) and Chromium (/usr/bin/chromium or CHROMIUM_PATH).
 * Usage: tsx bench/console/run.ts [runs=1000] [drafts=10000] [rounds=20]
 * `trace.ts` beside it shows where one load's time goes (server reads, resources, paints, hydration).
 * Before/after: BENCH_CONSOLE_BEFORE=<another console build dir> serves that build too (a second app on the same host,
 * same data) and loads the full workspace through it in the same rounds, interleaved, so a change to the console is
 * measured side by side with the build it replaces (e.g. `git stash; pnpm --filter @neonhub/ui build; cp -r ui/build
 * /tmp/ui-before; git stash pop; pnpm --filter @neonhub/ui build`).
 */
import { loadavg } from 'node:os';
import { percentile } from '../stats.js';
import { type BrowserContext, type Page, type Pages, startConsoleBench } from './fixture.js';

const RUNS = Number(process.argv[2] ?? 1000);
const DRAFTS = Number(process.argv[3] ?? 10_000);
const ROUNDS = Number(process.argv[4] ?? 20);
const GOAL_MS = 1500;
const load = () =>
  `load ${loadavg()
    .map((x) => x.toFixed(1))
    .join(' ')}`;
const t0 = performance.now();
const log = (m: string) => console.log(`[console bench +${((performance.now() - t0) / 1000).toFixed(1)}s] ${m}`);

const bench = await startConsoleBench({ runs: RUNS, drafts: DRAFTS, log });
const { context } = bench;

/** LCP of one load of `url` in a new page (the context's HTTP cache is warm, as for a returning user). */
async function lcpOf(context: BrowserContext, url: string): Promise<number> {
  const page: Page = await context.newPage();
  try {
    const response = await page.goto(url, { waitUntil: 'load' });
    if (!response?.ok()) throw new Error(`${url}: ${response?.status()}`);
    return await page.evaluate(
      () =>
        new Promise<number>((done) => {
          new PerformanceObserver((list) => {
            const entries = list.getEntries();
            done(entries[entries.length - 1]?.startTime ?? -1);
          }).observe({ type: 'largest-contentful-paint', buffered: true });
          setTimeout(() => done(-1), 5000);
        }),
    );
  } finally {
    await page.close();
  }
}

type Side = 'empty' | 'full' | 'before';
const sides: Partial<Record<Side, Pages>> = bench.pages;
const beforeBase = bench.pages.before !== undefined;
const order = Object.keys(sides) as Side[];
const results: Record<string, Record<string, number[]>> = { empty: {}, full: {}, before: {} };
let failed = false;
try {
  // one warm-up load of each (server code paths, Chromium's caches)
  for (const side of Object.values(sides)) for (const url of Object.values(side)) await lcpOf(context, url);
  log(`warmed up; ${load()}`);
  for (let r = 0; r < ROUNDS; r++) {
    for (const name of ['home', 'run', 'approvals'] as const) {
      for (const side of order) {
        const ms = await lcpOf(context, sides[side]![name]);
        const list = results[side]![name] ?? [];
        list.push(ms);
        results[side]![name] = list;
      }
    }
  }
  const pc = (xs: number[], p: number) =>
    percentile(
      [...xs].sort((a, b) => a - b),
      p,
    );
  const cell = (xs: number[]) => `${pc(xs, 50).toFixed(0)} / ${pc(xs, 95).toFixed(0)}`.padEnd(16);
  console.log(`\nLCP in ms, ${ROUNDS} loads each (p50 / p95); full = ${RUNS} runs + ${DRAFTS} drafts; ${load()}`);
  console.log(`page       | empty (baseline) |${beforeBase ? ' full, before     |' : ''} full             | goal`);
  for (const name of ['home', 'run', 'approvals'] as const) {
    const f = results.full![name]!;
    const ok = pc(f, 50) > 0 && pc(f, 95) <= GOAL_MS;
    if (!ok) failed = true;
    console.log(
      `${name.padEnd(10)} | ${cell(results.empty![name]!)} |${beforeBase ? ` ${cell(results.before![name]!)}|` : ''} ${cell(f)} | ${ok ? 'ok' : `over ${GOAL_MS}`}`,
    );
  }
} finally {
  await bench.close();
}
process.exit(failed ? 1 : 0);
