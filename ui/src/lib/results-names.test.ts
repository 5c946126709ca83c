import { describe, expect, it } from 'vitest';
import { resultsCampaignNames, runOfCampaign } from './results-names';

const RUN = 'ac039327-9442-4fca-91e1-d9a3a1906818';
const OTHER = '0b5c1f2e-1111-4222-8333-944455556666';

describe('results campaigns in words', () => {
  it("names a run's sends by the run's goal and when it started, never by its id", () => {
    const names = resultsCampaignNames(
      [`run:${RUN}`],
      [{ id: RUN, goal: 'launch our spring sale on email and social', createdAt: '2026-12-07T07:09:00Z' }],
      'UTC',
    );
    expect(names[`run:${RUN}`]).toMatch(/^Run “launch our spring sale on email and social” · Dec 7, 2026/);
    expect(names[`run:${RUN}`]).not.toContain(RUN);
  });

  it('tells two runs of one goal apart by their start, and shortens a long goal', () => {
    const goal = `announce ${'the new trail shoe range '.repeat(6)}`;
    const names = resultsCampaignNames(
      [`run:${RUN}`, `run:${OTHER}`],
      [
        { id: RUN, goal, createdAt: '2026-12-07T07:09:00Z' },
        { id: OTHER, goal, createdAt: '2026-12-08T09:30:00Z' },
      ],
      'UTC',
    );
    expect(names[`run:${RUN}`]).not.toBe(names[`run:${OTHER}`]);
    expect(names[`run:${RUN}`]!.indexOf('…')).toBe('Run “'.length + 79);
  });

  it("says 'An earlier run' for a run no longer listed, names unattributed sends, leaves a marketer's own tags alone", () => {
    const names = resultsCampaignNames([`run:${OTHER}`, 'unattributed', 'spring-sale', 'run:not-a-uuid'], [], 'UTC');
    expect(names).toEqual({ [`run:${OTHER}`]: 'An earlier run', unattributed: 'Not linked to a campaign' });
  });

  it('reads the run id of a run key only', () => {
    expect(runOfCampaign(`run:${RUN}`)).toBe(RUN);
    expect(runOfCampaign('spring-sale')).toBeNull();
    expect(runOfCampaign(`x-run:${RUN}`)).toBeNull();
  });
});
