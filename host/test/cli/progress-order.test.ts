import { describe, expect, it } from 'vitest';
import { createProgressPrinter } from '../../src/runs/cli.js';

const at = (hms: string) => Date.parse(`2026-12-06T${hms}.000Z`);

describe('run progress lines', () => {
  it('print in time order within a batch, and the clock never goes back across batches', () => {
    const lines: string[] = [];
    const print = createProgressPrinter((l) => lines.push(l));
    const item = (hms: string, text: string, seq = 0) => ({ at: at(hms), seq, line: (t: string) => `${t} ${text}` });
    // a batch that arrived out of order (steps run in parallel, their events stored in batches)
    print([item('10:00:02', 'b succeeded', 2), item('10:00:01', 'a succeeded', 1), item('10:00:01', 'b running', 3)]);
    // a late event from before the last one shown
    print([item('10:00:00', 'c queued', 4), item('10:00:03', 'run waiting_approval', 5)]);
    expect(lines).toEqual([
      '10:00:01 a succeeded',
      '10:00:01 b running',
      '10:00:02 b succeeded',
      '10:00:02 c queued',
      '10:00:03 run waiting_approval',
    ]);
  });
});
