import { describe, expect, it } from 'vitest';
import { runResultsInWords, runResultsParagraph } from '../../src/results/run-words.js';

const counts = (sent: number, delivered: number, opened: number, clicked: number, converted: number) => ({
  sent,
  delivered,
  opened,
  clicked,
  converted,
});
const summary = (messages: ReturnType<typeof counts>, campaigns: { campaign: string; totals: ReturnType<typeof counts> }[] = []) => ({
  messages,
  campaigns,
});

describe("a run's results in words (the host's one wording)", () => {
  it('says what was sent, what came of it, and what arrived after the run', () => {
    const v = runResultsInWords({
      atEnd: { summary: summary(counts(2, 2, 0, 0, 0)) },
      now: summary(counts(2, 2, 1, 1, 0), [{ campaign: 'spring-sale', totals: counts(40, 38, 12, 5, 1) }]),
    });
    expect(v.headline).toBe('This run sent 2 messages.');
    expect(v.messages).toBe('So far: 2 delivered (100%), 1 opened (50%), 1 clicked (50%), no conversion yet.');
    expect(v.since).toBe('Since the run finished: +1 open, +1 click.');
    expect(v.campaigns).toEqual([
      { campaign: 'spring-sale', text: '40 messages, 38 delivered (95%), 12 opened (32%), 5 clicked (13%), 1 conversion.' },
    ]);
  });

  it('a count of zero carries no rate', () => {
    const v = runResultsInWords({ atEnd: null, now: summary(counts(1, 1, 0, 0, 0)) });
    expect(v.messages).toBe('So far: 1 delivered (100%), 0 opened, 0 clicked, no conversion yet.');
  });

  it('a run that sent nothing says so, without rates', () => {
    const v = runResultsInWords({ atEnd: null, now: summary(counts(0, 0, 0, 0, 0)) });
    expect(v).toEqual({ headline: 'This run sent no messages.', messages: null, since: null, campaigns: [] });
  });

  it('the run.summary paragraph is the same words in one line', () => {
    expect(runResultsParagraph(summary(counts(1, 1, 0, 0, 0), [{ campaign: 'spring', totals: counts(2, 2, 0, 1, 0) }]))).toBe(
      'This run sent 1 message. So far: 1 delivered (100%), 0 opened, 0 clicked, no conversion yet. Campaign spring so far: 2 messages, 2 delivered (100%), 0 opened, 1 clicked (50%), no conversion yet.',
    );
  });
});
