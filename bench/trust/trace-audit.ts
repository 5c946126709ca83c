/**
 * `bench/trust/run.ts --trace-audit`: where a sequential trusted call's audit append waits, on PGlite (its statements
 * run on this thread, one at a time behind PGlite's own queue). Every PGlite query is followed from the moment it is
 * asked for (`query`) to the moment PGlite starts executing it (its first `execProtocolRawSync`) to the end of its
 * execution and to the moment its promise resolves; the data-trust store's group write (`insertAll`) is timed around that. Per
 * audit statement it then says how long it queued, what ran in front of it, how long it ran, and how long the answer
 * took to come back through the store and the plugin.
 */
import { percentile } from '../stats.js';
import { pglitePrototype } from './pglite-prototype.js';

interface Q {
  label: string;
  called: number;
  started?: number;
  execMs: number;
  ended?: number;
  resolved?: number;
  /** Labels of the statements that executed between this one's call and its start. */
  ahead: string[];
  bound?: boolean;
}

const label = (text: string) => {
  const t = text.replace(/\s+/g, ' ').trim();
  const m = /^(insert into|update|delete from|select .*? from) (\w+)/i.exec(t);
  return m ? `${m[1]!.split(' ')[0]} ${m[2]}` : t.slice(0, 30);
};

export function createAuditTrace() {
  const queue: Q[] = []; // asked for and not resolved yet (PGlite runs them first come first served)
  let running: Q | undefined;
  const done: Q[] = [];
  const store: { call: number; ret: number; q?: Q }[] = [];
  let open: { call: number; q?: Q } | undefined;
  let on = false;

  async function install(): Promise<void> {
    const proto = await pglitePrototype();
    for (const name of ['query', 'exec'] as const) {
      const orig = proto[name]!;
      proto[name] = async function (this: unknown, ...args: unknown[]) {
        if (!on) return orig.apply(this, args);
        const q: Q = { label: label(String(args[0])), called: performance.now(), execMs: 0, ahead: [] };
        queue.push(q);
        // the first statement asked for while data-trust's group write is open is that write's
        if (open && !open.q) {
          open.q = q;
          q.label = 'audit group';
        }
        try {
          return await orig.apply(this, args);
        } finally {
          q.resolved = performance.now();
          const i = queue.indexOf(q);
          if (i >= 0) queue.splice(i, 1);
          done.push(q);
        }
      };
    }
    // PGlite runs each query inside its query mutex (`_runExclusiveQuery`): the callback starting is the query starting
    const exclusive = proto._runExclusiveQuery!;
    proto._runExclusiveQuery = function (this: unknown, fn: unknown) {
      if (!on) return exclusive.call(this, fn);
      const q = queue.find((x) => !x.bound);
      if (q) q.bound = true;
      return exclusive.call(this, async () => {
        if (q) {
          q.started = performance.now();
          for (const other of queue) if (other !== q && other.started === undefined) other.ahead.push(q.label);
          running = q;
        }
        try {
          return await (fn as () => Promise<unknown>)();
        } finally {
          if (q) q.ended = performance.now();
          running = undefined;
        }
      });
    };
    const sync = proto.execProtocolRawSync!;
    proto.execProtocolRawSync = function (this: unknown, ...args: unknown[]) {
      const t0 = performance.now();
      try {
        return sync.apply(this, args);
      } finally {
        if (running) running.execMs += performance.now() - t0;
      }
    };
  }

  return {
    install,
    start() {
      on = true;
      done.length = 0;
      store.length = 0;
    },
    /** Wraps the data-trust store's group write to time it from the plugin's side. */
    wrap<T extends (...a: never[]) => Promise<unknown>>(fn: T): T {
      return (async (...args: never[]) => {
        if (!on) return fn(...args);
        const s = { call: performance.now(), ret: 0 } as { call: number; ret: number; q?: Q };
        open = s;
        try {
          return await fn(...args);
        } finally {
          s.ret = performance.now();
          open = undefined;
          store.push(s);
        }
      }) as T;
    },
    print(title: string): void {
      on = false;
      const audit = store.filter((s) => s.q?.started !== undefined && s.q.resolved !== undefined);
      if (!audit.length) return;
      const p = (xs: number[], k: number) =>
        (
          percentile(
            [...xs].sort((a, b) => a - b),
            k,
          ) * 1000
        )
          .toFixed(0)
          .padStart(6);
      const row = (name: string, xs: number[]) => console.log(`  ${name.padEnd(52)} ${p(xs, 50)} ${p(xs, 90)} ${p(xs, 99)}`);
      console.log(`\naudit group writes, ${title}: ${audit.length} (µs: p50, p90, p99)`);
      row(
        'store call -> PGlite query asked for',
        audit.map((s) => s.q!.called - s.call),
      );
      row(
        'asked for -> PGlite starts it (queued)',
        audit.map((s) => s.q!.started! - s.q!.called),
      );
      row(
        'PGlite holding its query lock for it',
        audit.map((s) => s.q!.ended! - s.q!.started!),
      );
      row(
        '  of which executing (WebAssembly, this thread)',
        audit.map((s) => s.q!.execMs),
      );
      row(
        'lock released -> query resolves',
        audit.map((s) => s.q!.resolved! - s.q!.ended!),
      );
      row(
        'query resolves -> store call returns',
        audit.map((s) => s.ret - s.q!.resolved!),
      );
      row(
        'store call, whole',
        audit.map((s) => s.ret - s.call),
      );
      const behind = audit.filter((s) => s.q!.ahead.length > 0);
      const by = new Map<string, number>();
      for (const s of behind) for (const l of s.q!.ahead) by.set(l, (by.get(l) ?? 0) + 1);
      console.log(
        `  queued behind another statement: ${behind.length} of ${audit.length} (${((100 * behind.length) / audit.length).toFixed(1)}%)` +
          (by.size ? `: ${[...by].map(([l, n]) => `${l} ×${n}`).join(', ')}` : ''),
      );
      const others = done.filter((q) => q.label !== 'audit group' && q.started !== undefined);
      const perLabel = new Map<string, { n: number; ms: number }>();
      for (const q of others) {
        const e = perLabel.get(q.label) ?? { n: 0, ms: 0 };
        e.n++;
        e.ms += q.execMs;
        perLabel.set(q.label, e);
      }
      console.log(
        `  other statements meanwhile (count, ms executing): ${[...perLabel].map(([l, e]) => `${l} ${e.n}, ${e.ms.toFixed(1)}`).join('; ')}`,
      );
    },
  };
}
