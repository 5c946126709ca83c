import { pglitePrototype } from './pglite-prototype.js';

/**
 * --trace-sql: every PGlite query (its work runs on this thread) timed by the statement's first words; `print` shows
 * the dozen costliest per call and clears. Without `install` it records nothing and prints nothing.
 */
export function createSqlTrace() {
  const seen = new Map<string, { n: number; ms: number }>();
  return {
    async install() {
      const proto = await pglitePrototype();
      const query = proto.query!;
      proto.query = async function (this: unknown, ...args: unknown[]) {
        const t0 = performance.now();
        try {
          return await query.apply(this, args);
        } finally {
          const params = Array.isArray(args[1]) ? args[1].length : 0;
          const key = `${String(args[0]).replace(/\s+/g, ' ').slice(0, 60)} [${params < 10 ? params : `${10 * Math.floor(params / 10)}+`} params]`;
          const e = seen.get(key) ?? { n: 0, ms: 0 };
          e.n++;
          e.ms += performance.now() - t0;
          seen.set(key, e);
        }
      };
    },
    clear: () => seen.clear(),
    print(label: string, calls: number) {
      if (!seen.size) return;
      console.log(`PGlite statements per call, ${label} (count, µs of thread per call):`);
      for (const [k, v] of [...seen].sort((x, y) => y[1].ms - x[1].ms).slice(0, 12))
        console.log(`  ${(v.n / calls).toFixed(3).padStart(7)} ${((v.ms * 1000) / calls).toFixed(1).padStart(8)} µs  ${k}`);
      seen.clear();
    },
  };
}

export type SqlTrace = ReturnType<typeof createSqlTrace>;
