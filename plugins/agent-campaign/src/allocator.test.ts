import { DEFAULT_STOPPING_RULE } from '@neonhub/sdk';
import { describe, expect, it } from 'vitest';
import { type AllocatorOptions, decideAllocation } from './allocator.js';

const opts: AllocatorOptions = {
  stopBelow: 0.05,
  minTrials: 200,
  minShare: 0,
  draws: 4000,
  seed: 't',
  metric: { success: 'click', trial: 'send' },
};
const arm = (key: string, successes: number, trials: number) => ({ key, label: key, successes, trials });

describe('decideAllocation', () => {
  it('without data splits evenly and says so', () => {
    const d = decideAllocation([arm('A', 0, 0), arm('B', 0, 0)], {}, opts);
    expect(d.arms.map((a) => a.share)).toEqual([0.5, 0.5]);
    expect(d.newlyStopped).toEqual([]);
    expect(d.reason).toMatch(/^No sends recorded yet/);
  });

  it('stops a loser whose probability of being best falls below the threshold, once it has enough sends', () => {
    const d = decideAllocation([arm('A', 30, 1000), arm('B', 60, 1000), arm('C', 58, 1000)], { shares: { A: 0.3, B: 0.4, C: 0.3 } }, opts);
    expect(d.newlyStopped).toEqual(['A']);
    const [a, b, c] = d.arms;
    expect(a).toMatchObject({ status: 'stopped', share: 0 });
    expect(a!.probabilityBest).toBeLessThan(0.05);
    expect(a!.stoppedReason).toMatch(/below the 0.05 threshold after 1,000 sends/);
    expect(b!.share + c!.share).toBeCloseTo(1, 10);
    expect(d.winner).toBeUndefined();
    expect(d.reason).toContain('Stopped A: probability of being best');
    expect(d.reason).toMatch(/\(was 40%\)/);
  });

  it('does not stop on little data, nor the leader, nor the last arm running', () => {
    const early = decideAllocation([arm('A', 0, 50), arm('B', 10, 50)], {}, opts);
    expect(early.newlyStopped).toEqual([]);
    expect(early.reason).toContain('Too few sends to stop anything yet for A');
    const late = decideAllocation([arm('A', 10, 5000), arm('B', 300, 5000)], {}, opts);
    expect(late.newlyStopped).toEqual(['A']);
    expect(late.winner).toBe('B');
    expect(late.arms[1]).toMatchObject({ status: 'running', share: 1 });
    expect(late.reason).toContain('B is the only variant left running: it wins the test.');
  });

  it('a stopped arm stays stopped on a lucky day; minShare keeps exploration among the running arms', () => {
    const d = decideAllocation(
      [arm('A', 80, 1000), arm('B', 60, 1000), arm('C', 61, 1000)],
      { stopped: { A: 'earlier' } },
      {
        ...opts,
        minShare: 0.2,
      },
    );
    expect(d.arms[0]).toMatchObject({ status: 'stopped', share: 0, stoppedReason: 'earlier' });
    expect(d.arms[1]!.share).toBeGreaterThanOrEqual(0.2);
    expect(d.arms[2]!.share).toBeGreaterThanOrEqual(0.2);
    expect(d.newlyStopped).toEqual([]);
  });

  it('is reproducible for a seed', () => {
    const arms = [arm('A', 20, 400), arm('B', 24, 400)];
    expect(decideAllocation(arms, {}, opts)).toEqual(decideAllocation(arms, {}, opts));
  });

  it('the default stopping rule keeps a variant at P(best) 0.04 after 500 sends, and stops one below 0.01 after 1,000', () => {
    const safer = { ...opts, ...DEFAULT_STOPPING_RULE };
    // the case the old default (0.05 after 200) stopped: A at about 2–4% after 500 sends each
    const early = decideAllocation([arm('A', 23, 500), arm('B', 38, 500)], {}, safer);
    expect(early.arms[0]!.probabilityBest).toBeGreaterThan(0.01);
    expect(early.arms[0]!.probabilityBest).toBeLessThan(0.06);
    expect(decideAllocation([arm('A', 23, 500), arm('B', 38, 500)], {}, opts).newlyStopped).toEqual(['A']);
    expect(early.newlyStopped).toEqual([]);
    // clearly worse with enough sends: stopped
    const late = decideAllocation([arm('A', 30, 1200), arm('B', 70, 1200)], {}, safer);
    expect(late.arms[0]!.probabilityBest).toBeLessThan(0.01);
    expect(late.newlyStopped).toEqual(['A']);
  });
});
