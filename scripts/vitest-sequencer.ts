import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/**
 * The order test files start in when vitest has no durations of its own (a clean clone: CI). Vitest then starts the
 * largest files first, but a file's size says little about its time: the host's CLI and crash suites (a few hundred
 * lines, dozens of `neonhub` processes or host restarts one after another) took many times longer than larger files
 * and, starting in the middle of the run, were still running alone at its end. This sequencer starts the files listed
 * in scripts/test-durations.json first, longest first (longest-processing-time scheduling: the long ones overlap
 * each other and the short ones fill in around them), then every other file in vitest's own order.
 *
 * Used when CI is set (vitest.config.ts); elsewhere vitest's own order stands: after a first run it starts the files
 * that took longest in the previous run (its cache, node_modules/.vite/vitest), and `--sequence.shuffle.files` works.
 * Refresh the list with scripts/test-durations.ts from a `--reporter=json` run.
 */
export const DURATIONS_FILE = new URL('./test-durations.json', import.meta.url);

export interface TestDurations {
  /** How and where the durations were measured (they are relative weights: only their order matters). */
  measured: string;
  /** Seconds per test file, keyed by its path from the repository root. */
  files: Record<string, number>;
}

export function readDurations(file: URL = DURATIONS_FILE): TestDurations {
  return JSON.parse(readFileSync(file, 'utf8')) as TestDurations;
}

/**
 * `files` in vitest's order, stably re-sorted within each group (`sequence.groupOrder`: groups run one after another):
 * listed files first, longest first (ties by path), then the others in the order they came.
 */
export function longestFirst<T>(
  files: T[],
  pathOf: (f: T) => string,
  durations: Record<string, number>,
  groupOf: (f: T) => number = () => 0,
): T[] {
  return files
    .map((f, i) => ({ f, i, d: Object.hasOwn(durations, pathOf(f)) ? durations[pathOf(f)] : undefined }))
    .sort((a, b) => {
      const group = groupOf(a.f) - groupOf(b.f);
      if (group !== 0) return group;
      if (a.d !== undefined && b.d !== undefined) return b.d - a.d || pathOf(a.f).localeCompare(pathOf(b.f));
      if (a.d !== undefined) return -1;
      if (b.d !== undefined) return 1;
      return a.i - b.i;
    })
    .map(({ f }) => f);
}

export class DurationSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const root = this.ctx.config.root;
    const { files: durations } = readDurations();
    return longestFirst(
      await super.sort(files),
      (f) => relative(root, f.moduleId).split('\\').join('/'),
      durations,
      (f) => f.project.config.sequence.groupOrder,
    );
  }
}
