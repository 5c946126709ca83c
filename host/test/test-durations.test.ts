import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { longestFirst, readDurations } from '../../scripts/vitest-sequencer.js';

/** The order CI starts test files in (scripts/vitest-sequencer.ts) and the list of measured durations it reads. */
const repo = resolve(import.meta.dirname, '../..');

describe('the test files started first in CI', () => {
  it('are test files that exist, each with a positive duration', () => {
    const { measured, files } = readDurations();
    expect(measured).not.toBe('');
    expect(Object.keys(files).length).toBeGreaterThan(0);
    for (const [file, seconds] of Object.entries(files)) {
      expect([file, existsSync(resolve(repo, file)) && file.endsWith('.test.ts')]).toEqual([file, true]);
      expect([file, seconds > 0]).toEqual([file, true]);
    }
  });

  it('start longest first, ties by path, then the others in the order vitest gave; groups stay in order', () => {
    const files = ['a', 'b', 'slow', 'c', 'slowest', 'tie-2', 'tie-1', 'later-group'];
    const durations = { slow: 50, slowest: 300, 'tie-1': 80, 'tie-2': 80, 'later-group': 999, missing: 10 };
    const group = (f: string) => (f === 'later-group' ? 1 : 0);
    expect(longestFirst(files, (f) => f, durations, group)).toEqual(['slowest', 'tie-1', 'tie-2', 'slow', 'a', 'b', 'c', 'later-group']);
    expect(longestFirst(['x', 'y'], (f) => f, {})).toEqual(['x', 'y']);
    // a name inherited from Object.prototype is not a duration
    expect(longestFirst(['z', 'constructor'], (f) => f, {})).toEqual(['z', 'constructor']);
  });
});
