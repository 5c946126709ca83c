/**
 * Writes scripts/test-durations.json (the order CI starts test files in: scripts/vitest-sequencer.ts) from vitest's
 * JSON reports: the `--top` longest files (default 40) with their seconds, rounded. Run the suite (or parts of it, one
 * report each) with `npx vitest run <paths> --reporter=json --outputFile=<report>.json`, then
 *   npx tsx scripts/test-durations.ts --measured "what, where, under what load" <report>.json...
 * A file in several reports keeps its longest time. Only the order matters: measure on any machine, loaded or not,
 * as long as one report's files ran under the same load.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { DURATIONS_FILE, type TestDurations } from './vitest-sequencer.js';

const { values, positionals } = parseArgs({
  options: { top: { type: 'string', default: '40' }, measured: { type: 'string' } },
  allowPositionals: true,
});
if (!positionals.length || !values.measured) {
  process.stderr.write('usage: tsx scripts/test-durations.ts --measured "<how>" [--top N] <vitest json report>...\n');
  process.exit(2);
}
const root = resolve(import.meta.dirname, '..');
const seconds = new Map<string, number>();
for (const report of positionals) {
  const { testResults } = JSON.parse(readFileSync(report, 'utf8')) as {
    testResults: { name: string; startTime: number; endTime: number }[];
  };
  for (const t of testResults) {
    const file = relative(root, t.name).split('\\').join('/');
    seconds.set(file, Math.max(seconds.get(file) ?? 0, (t.endTime - t.startTime) / 1000));
  }
}
const top = [...seconds].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).slice(0, Number(values.top));
const out: TestDurations = { measured: values.measured, files: Object.fromEntries(top.map(([f, s]) => [f, Math.round(s)])) };
writeFileSync(DURATIONS_FILE, `${JSON.stringify(out, null, 2)}\n`);
process.stdout.write(`${top.length} files written to scripts/test-durations.json\n`);
