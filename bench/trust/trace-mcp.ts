/**
 * `bench/trust/run.ts --trace-mcp`: where a sequential call over MCP spends its time, echo-only vs trusted. Each call
 * is followed from the client's `callTool` through the host's step marks (host/src/telemetry/marks.ts: nothing happens without the
 * sink this installs), the data-trust store's group write and the HTTP server's request and response events,
 * to the client's promise resolving. Printed per step: the p50 time from the client's call to the step's first mark,
 * and the p50 of the step's own time (since the mark before it), for each workspace side by side.
 */
import { createHook } from 'node:async_hooks';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { PerformanceObserver, performance as perf } from 'node:perf_hooks';
import { setStepMarkSink } from '../../host/src/telemetry/marks.js';
import { percentile } from '../stats.js';
import { pglitePrototype } from './pglite-prototype.js';

type Marks = [string, number, number][];
const elu = () => perf.eventLoopUtilization().active;

export function createMcpTrace() {
  let on = false;
  let current: Marks | undefined;
  const traces = new Map<string, Marks[]>();
  /** PGlite's synchronous executions (its WebAssembly holding this thread) during each traced call, by trace. */
  const sql = new Map<Marks, [number, number, string][]>();
  let lastSql = '';
  /** Garbage collections (start, end, kind) while tracing. */
  const gcs: [number, number, string][] = [];
  new PerformanceObserver((list) => {
    if (!on) return;
    for (const e of list.getEntries()) {
      const kind = (e as unknown as { detail?: { kind?: number } }).detail?.kind;
      gcs.push([
        e.startTime,
        e.startTime + e.duration,
        kind === 1 ? 'minor' : kind === 4 ? 'major' : kind === 8 ? 'incremental' : `kind ${kind}`,
      ]);
    }
  }).observe({ entryTypes: ['gc'] });
  // the event loop's active time so far with each mark: how much of a step this thread was busy (vs waiting)
  const mark = (name: string) => {
    if (!current) return;
    current.push([name, performance.now(), elu()]);
    if (name === 'stdio.write') inWindow = current;
    else if (name === 'stdio.read') inWindow = undefined;
  };
  // which callbacks (by async resource type) ran on this thread inside a call's stdio round trip, and for how long
  let inWindow: Marks | undefined;
  const types = new Map<number, string>();
  const stacks = process.argv.includes('--trace-mcp-stacks');
  const origin = new Map<number, string>();
  const started = new Map<number, number>();
  const windowWork = new Map<Marks, Map<string, number>>();
  const hook = createHook({
    init(id, type) {
      if (type === 'PROMISE') return;
      types.set(id, type);
      if (stacks && (type === 'Immediate' || type === 'Timeout'))
        origin.set(
          id,
          (new Error().stack ?? '')
            .split('\n')
            .slice(2)
            .filter((l) => !l.includes('node:internal') && !l.includes('trace-mcp'))
            .slice(0, 3)
            .map((l) =>
              l
                .trim()
                .replace(/^at /, '')
                .replace(/\(.*\/(node_modules|work\/wt\/h17d)\//, '('),
            )
            .join(' < '),
        );
    },
    before(id) {
      if (inWindow && types.has(id)) started.set(id, performance.now());
    },
    after(id) {
      const t0 = started.get(id);
      if (t0 === undefined) return;
      started.delete(id);
      if (!inWindow) return;
      const w = windowWork.get(inWindow) ?? new Map<string, number>();
      const type = types.get(id)!;
      const key = origin.has(id) ? `${type} from ${origin.get(id)}` : type;
      w.set(key, (w.get(key) ?? 0) + (performance.now() - t0) * 1000);
      windowWork.set(inWindow, w);
    },
    destroy(id) {
      types.delete(id);
      origin.delete(id);
    },
  });
  setStepMarkSink(mark);

  return {
    /** Times PGlite's synchronous protocol executions (the thread is PGlite's while one runs). */
    async install(): Promise<void> {
      const proto = await pglitePrototype();
      for (const name of ['query', 'exec'] as const) {
        const orig = proto[name]!;
        proto[name] = function (this: unknown, ...args: unknown[]) {
          lastSql = String(args[0]).replace(/\s+/g, ' ').trim().slice(0, 40);
          return orig.apply(this, args);
        };
      }
      const sync = proto.execProtocolRawSync!;
      proto.execProtocolRawSync = function (this: unknown, ...args: unknown[]) {
        const t0 = performance.now();
        try {
          return sync.apply(this, args);
        } finally {
          if (current) {
            const list = sql.get(current) ?? [];
            list.push([t0, performance.now(), lastSql]);
            sql.set(current, list);
          }
        }
      };
    },
    /** Wraps the data-trust store's group write: `audit.write` when asked for, `audit.durable` when it returned. */
    wrapWrite<T extends (...a: never[]) => Promise<unknown>>(fn: T): T {
      return (async (...args: never[]) => {
        mark('audit.write');
        try {
          return await fn(...args);
        } finally {
          mark('audit.durable');
        }
      }) as T;
    },
    /** Marks the HTTP request's arrival (a POST: the call) and the moment its response was handed to the socket. */
    attach(server: Server): void {
      server.prependListener('request', (req: IncomingMessage, res: ServerResponse) => {
        if (req.method !== 'POST' || !current) return;
        mark('http.request');
        req.once('end', () => mark('http.body-read'));
        res.once('finish', () => mark('http.response-written'));
      });
    },
    start(): void {
      on = true;
      hook.enable();
      windowWork.clear();
      traces.clear();
      sql.clear();
      gcs.length = 0;
    },
    wrap(label: string, call: () => Promise<void>): () => Promise<void> {
      return async () => {
        if (!on) return call();
        const marks: Marks = [['client.call', performance.now(), elu()]];
        current = marks;
        try {
          await call();
        } finally {
          marks.push(['client.resolved', performance.now(), elu()]);
          current = undefined;
          const list = traces.get(label) ?? [];
          list.push(marks);
          traces.set(label, list);
        }
      };
    },
    print(title: string): void {
      if (!on) return;
      on = false;
      hook.disable();
      console.log(
        `\n--trace-mcp, ${title}: p50 µs from the client's call to each step (the step's own p50, and how much of it this thread was busy)`,
      );
      const labels = [...traces.keys()];
      // the steps in the order the trusted (longest) trace makes them; a repeated mark gets #2, #3
      const named = (m: Marks) => {
        const seen = new Map<string, number>();
        return m.map(([n, t, a]) => {
          const k = (seen.get(n) ?? 0) + 1;
          seen.set(n, k);
          return [k > 1 ? `${n}#${k}` : n, t, a] as [string, number, number];
        });
      };
      const steps: string[] = [];
      for (const l of labels) for (const [n] of named(traces.get(l)![0]!)) if (!steps.includes(n)) steps.push(n);
      const stat = (l: string, step: string) => {
        const since: number[] = [];
        const own: number[] = [];
        const busy: number[] = [];
        for (const m of traces.get(l)!) {
          const nm = named(m);
          const i = nm.findIndex(([n]) => n === step);
          if (i < 0) continue;
          since.push((nm[i]![1] - nm[0]![1]) * 1000);
          own.push(i ? (nm[i]![1] - nm[i - 1]![1]) * 1000 : 0);
          busy.push(i ? (nm[i]![2] - nm[i - 1]![2]) * 1000 : 0);
        }
        const p = (xs: number[]) =>
          percentile(
            xs.sort((a, b) => a - b),
            50,
          );
        return since.length
          ? `${p(since).toFixed(0).padStart(7)} (${p(own).toFixed(0).padStart(5)}, busy ${p(busy).toFixed(0).padStart(5)})`
          : ''.padStart(27);
      };
      console.log(['step'.padEnd(24), ...labels.map((l) => l.padStart(29))].join(' '));
      for (const step of steps) console.log([step.padEnd(24), ...labels.map((l) => stat(l, step).padStart(29))].join(' '));
      // PGlite execution inside the stdio round trip (the child's answer cannot be read while it holds the thread)
      for (const l of labels) {
        const inside: number[] = [];
        const what = new Map<string, number>();
        const gcInside: number[] = [];
        const gcKinds = new Map<string, number>();
        for (const m of traces.get(l)!) {
          const w = m.find(([n]) => n === 'stdio.write')?.[1];
          const r = m.find(([n]) => n === 'stdio.read')?.[1];
          if (w === undefined || r === undefined) continue;
          let us = 0;
          for (const [a, b, q] of sql.get(m) ?? [])
            if (b > w && a < r) {
              us += (Math.min(b, r) - Math.max(a, w)) * 1000;
              what.set(q, (what.get(q) ?? 0) + 1);
            }
          inside.push(us);
          let g = 0;
          for (const [a, b, kind] of gcs)
            if (b > w && a < r) {
              g += (Math.min(b, r) - Math.max(a, w)) * 1000;
              gcKinds.set(kind, (gcKinds.get(kind) ?? 0) + 1);
            }
          gcInside.push(g);
        }
        const gcBusy = gcInside.filter((x) => x > 0).length;
        if (gcInside.length)
          console.log(
            `  ${l}: garbage collection inside the stdio round trip in ${gcBusy} of ${gcInside.length} calls, mean ${(
              gcInside.reduce((a, b) => a + b, 0) / gcInside.length
            ).toFixed(0)} µs/call (${[...gcKinds].map(([k, n]) => `${n} ${k}`).join(', ')})`,
          );
        if (!inside.length) continue;
        const busy = inside.filter((x) => x > 0).length;
        console.log(
          `  ${l}: PGlite ran inside the stdio round trip in ${busy} of ${inside.length} calls, p50 ${percentile(
            inside.sort((a, b) => a - b),
            50,
          ).toFixed(0)} µs, p90 ${percentile(inside, 90).toFixed(0)} µs; statements: ${[...what]
            .sort((a, b) => b[1] - a[1])
            .slice(0, 4)
            .map(([q, n]) => `${n}x ${q}`)
            .join('; ')}`,
        );
      }
      for (const l of labels) {
        let g = 0;
        for (const m of traces.get(l)!) {
          const a0 = m[0]![1];
          const b0 = m[m.length - 1]![1];
          for (const [a, b] of gcs) if (b > a0 && a < b0) g += (Math.min(b, b0) - Math.max(a, a0)) * 1000;
        }
        console.log(`  ${l}: garbage collection inside the whole call, mean ${(g / traces.get(l)!.length).toFixed(0)} µs/call`);
      }
      for (const l of labels) {
        const sum = new Map<string, number>();
        const list = traces.get(l)!;
        for (const m of list) for (const [t, us] of windowWork.get(m) ?? []) sum.set(t, (sum.get(t) ?? 0) + us);
        console.log(
          `  ${l}: callbacks run inside the stdio round trip, mean µs/call by kind: ${[...sum]
            .sort((a, b) => b[1] - a[1])
            .slice(0, stacks ? 8 : 6)
            .map(([t, us]) => `${t} ${(us / list.length).toFixed(0)}`)
            .join(stacks ? '\n    ' : ', ')}`,
        );
      }
      console.log(`(${labels.map((l) => `${l}: ${traces.get(l)!.length} calls`).join(', ')})`);
    },
  };
}
