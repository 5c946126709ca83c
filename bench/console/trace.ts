/**
 * Where one console page load's time goes, beside `run.ts` (which only reports LCP): for the home, run and approvals
 * pages of the empty and the full workspace, `loads` loads each, the medians of the milestones the browser reports
 * (time to first byte of the server-rendered page, its last byte — SvelteKit streams promises after the first flush —,
 * first contentful paint, LCP, hydration: `<html data-hydrated>`, and the load event), the host's API calls the
 * console's server made for it (count, and when the last one ended, from the bench process's `fetch`), the CPU the host
 * process spent, and for the last load of each page the LCP element, the API calls and every resource with its size.
 * Usage: tsx bench/console/trace.ts [runs=200] [drafts=2000] [loads=3]  (needs the built console and Chromium)
 */
import { loadavg } from 'node:os';
import { type Page, startConsoleBench } from './fixture.js';

const RUNS = Number(process.argv[2] ?? 200);
const DRAFTS = Number(process.argv[3] ?? 2000);
const LOADS = Number(process.argv[4] ?? 3);
const t0 = performance.now();
const log = (m: string) => console.log(`[console trace +${((performance.now() - t0) / 1000).toFixed(1)}s] ${m}`);

/** The host API calls made in this process (the console's server calls the host over HTTP with `fetch`). */
interface Call {
  path: string;
  /** The answer's size (its content-length), when it said. */
  bytes: number;
  start: number;
  end: number;
  status: number;
}
let calls: Call[] | null = null;
const realFetch = globalThis.fetch;
globalThis.fetch = async (input, init) => {
  const start = performance.now();
  const res = await realFetch(input, init);
  const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
  calls?.push({
    path: new URL(url).pathname,
    bytes: Number(res.headers.get('content-length') ?? 0),
    start,
    end: performance.now(),
    status: res.status,
  });
  return res;
};

const bench = await startConsoleBench({ runs: RUNS, drafts: DRAFTS, log });
const { context } = bench;
// when <html data-hydrated> is set (the root layout's onMount), on the page's clock
await context.addInitScript(() => {
  new MutationObserver((_, obs) => {
    if (document.documentElement.dataset.hydrated) {
      (window as unknown as { __hydrated: number }).__hydrated = performance.now();
      obs.disconnect();
    }
  }).observe(document, { subtree: true, attributes: true, attributeFilter: ['data-hydrated'] }); // <html> may not exist yet
});

interface Trace {
  ttfb: number;
  htmlEnd: number;
  htmlBytes: number;
  fcp: number;
  lcp: number;
  lcpElement: string;
  hydrated: number;
  dcl: number;
  load: number;
  resources: { name: string; start: number; end: number; bytes: number; blocking: string }[];
  calls: Call[];
  cpuMs: number;
}

async function traceOf(url: string): Promise<Trace> {
  const page: Page = await context.newPage();
  calls = [];
  const cpu = process.cpuUsage();
  const start = performance.now();
  try {
    const response = await page.goto(url, { waitUntil: 'load' });
    if (!response?.ok()) throw new Error(`${url}: ${response?.status()}`);
    await page.waitForFunction(() => (window as unknown as { __hydrated?: number }).__hydrated !== undefined, null, { timeout: 10_000 });
    const browser = await page.evaluate(
      () =>
        new Promise<Omit<Trace, 'calls' | 'cpuMs'>>((done) => {
          new PerformanceObserver((list) => {
            const entries = list.getEntries() as (PerformanceEntry & { element?: Element | null; size: number })[];
            const last = entries[entries.length - 1];
            const nav = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming;
            done({
              ttfb: nav.responseStart,
              htmlEnd: nav.responseEnd,
              htmlBytes: nav.transferSize,
              fcp: performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? -1,
              lcp: last?.startTime ?? -1,
              lcpElement: entries
                .map((e) => {
                  const x = e.element;
                  const what = x
                    ? `<${x.tagName.toLowerCase()}${x.className ? ` class="${x.className}"` : ''}> ${(x.textContent ?? '').trim().slice(0, 40)}`
                    : '(removed)';
                  return `${e.startTime.toFixed(0)} ms ${what} (${e.size}px²)`;
                })
                .join('\n    then '),
              hydrated: (window as unknown as { __hydrated: number }).__hydrated,
              dcl: nav.domContentLoadedEventEnd,
              load: nav.loadEventStart,
              resources: (performance.getEntriesByType('resource') as PerformanceResourceTiming[]).map((r) => ({
                name: new URL(r.name).pathname,
                start: r.startTime,
                end: r.responseEnd,
                bytes: r.encodedBodySize,
                blocking: (r as unknown as { renderBlockingStatus?: string }).renderBlockingStatus ?? '',
              })),
            });
          }).observe({ type: 'largest-contentful-paint', buffered: true });
        }),
    );
    const used = process.cpuUsage(cpu);
    return {
      ...browser,
      calls: calls.map((c) => ({ ...c, start: c.start - start, end: c.end - start })),
      cpuMs: (used.user + used.system) / 1000,
    };
  } finally {
    calls = null;
    await page.close();
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const ms = (x: number) => `${x.toFixed(0)}`.padStart(5);
try {
  for (const side of Object.values(bench.pages)) for (const url of Object.values(side)) await traceOf(url); // warm-up
  log(`warmed up; load ${loadavg()[0]!.toFixed(1)}`);
  console.log('\nmedians, ms after navigation start (calls: host API calls the console server made; cpu: the host process)');
  console.log('page           |  ttfb | html end |  fcp |  lcp | hydrated |  dcl | load | calls (last end) | cpu');
  const last: Record<string, Trace> = {};
  // the floor: the workspaces list (no workspace read; the session and the streamed health only), then each page
  const rows: [string, string][] = [['floor (/)', new URL('/', bench.pages.empty.home).href]];
  for (const name of ['home', 'run', 'approvals'] as const)
    for (const side of ['empty', 'full'] as const) rows.push([`${name} ${side}`, bench.pages[side][name]]);
  for (const [row, url] of rows) {
    const traces: Trace[] = [];
    for (let i = 0; i < LOADS; i++) traces.push(await traceOf(url));
    const m = (f: (t: Trace) => number) => ms(median(traces.map(f)));
    console.log(
      `${row.padEnd(14)} | ${m((t) => t.ttfb)} |    ${m((t) => t.htmlEnd)} |${m((t) => t.fcp)} |${m((t) => t.lcp)} |    ${m((t) => t.hydrated)} |${m((t) => t.dcl)} |${m((t) => t.load)} | ${String(traces[0]!.calls.length).padStart(2)} (${m((t) => Math.max(0, ...t.calls.map((c) => c.end)))})       |${m((t) => t.cpuMs)}`,
    );
    last[row] = traces[traces.length - 1]!;
  }
  for (const [name, t] of Object.entries(last)) {
    console.log(`\n${name}: html ${t.htmlBytes} B; LCP candidates:\n    ${t.lcpElement}`);
    for (const c of t.calls) console.log(`  api  ${ms(c.start)} → ${ms(c.end)}  ${String(c.bytes).padStart(7)} B ${c.status} ${c.path}`);
    for (const r of t.resources)
      console.log(`  res  ${ms(r.start)} → ${ms(r.end)}  ${String(r.bytes).padStart(7)} B ${r.blocking.padEnd(12)} ${r.name}`);
  }
  console.log(
    `\nload ${loadavg()
      .map((x) => x.toFixed(1))
      .join(' ')}`,
  );
} finally {
  await bench.close();
}
