import type { DailyResultRow, ResultsReader } from '../types.js';

export interface MemoryResults extends ResultsReader {
  /** Adds rows (counts of the same campaign, variant, channel, kind and day add up, as the host's daily table does). */
  add(rows: readonly DailyResultRow[]): void;
}

const keyOf = (r: DailyResultRow) => [r.day, r.campaign, r.variant, r.channel, r.kind].join('\u0000');

/**
 * The host's results reader for plugin tests (`createHarness(plugin, { results: createMemoryResults(rows) })`): the
 * same answers as `ctx.results` in the host (days in [from, to], ordered by day, campaign, variant, channel, kind)
 * over rows the test gives.
 */
export function createMemoryResults(initial: readonly DailyResultRow[] = []): MemoryResults {
  const rows = new Map<string, DailyResultRow>();
  const add = (more: readonly DailyResultRow[]) => {
    for (const r of more) {
      const k = keyOf(r);
      const prev = rows.get(k);
      rows.set(k, prev ? { ...prev, count: prev.count + r.count } : { ...r });
    }
  };
  add(initial);
  const sorted = () => [...rows.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, r]) => r);
  return {
    add,
    async daily(q) {
      const kinds = q.kinds ? new Set(q.kinds) : undefined;
      return sorted()
        .filter((r) => r.day >= q.from && r.day <= q.to)
        .filter((r) => (q.campaign === undefined || r.campaign === q.campaign) && (!kinds || kinds.has(r.kind)))
        .map((r) => ({ ...r }));
    },
    async campaigns() {
      const by = new Map<string, { events: number; last: string }>();
      for (const r of rows.values()) {
        const c = by.get(r.campaign) ?? { events: 0, last: '' };
        c.events += r.count;
        if (r.day > c.last) c.last = r.day;
        by.set(r.campaign, c);
      }
      return [...by]
        .sort((a, b) => (a[1].last < b[1].last ? 1 : a[1].last > b[1].last ? -1 : a[0].localeCompare(b[0])))
        .map(([campaign, c]) => ({ campaign, events: c.events, lastAt: `${c.last}T23:59:59.999Z` }));
    },
  };
}
