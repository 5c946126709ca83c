import { describe, expect, it } from 'vitest';
import { headlineOf, runResultsInWords, runResultsParagraph } from '../../src/results/run-words.js';

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
    expect(v).toEqual({ headline: 'This run sent and published nothing.', messages: null, since: null, campaigns: [] });
  });

  it('counts what the run did per kind: an e-mail sent and a post published are not "1 message"', () => {
    const kinds = (k: Partial<Record<'email' | 'sms' | 'chat' | 'post' | 'message', number>>) => ({
      email: 0,
      sms: 0,
      chat: 0,
      post: 0,
      message: 0,
      ...k,
    });
    const words = (byKind: ReturnType<typeof kinds>) => headlineOf({ messages: counts(byKind.email + byKind.sms, 0, 0, 0, 0), byKind });
    expect(words(kinds({ email: 1, post: 1 }))).toBe('This run sent 1 e-mail and published 1 post.');
    expect(words(kinds({ email: 2 }))).toBe('This run sent 2 e-mails.');
    expect(words(kinds({ post: 3 }))).toBe('This run published 3 posts.');
    expect(words(kinds({ email: 1, sms: 2, post: 1 }))).toBe('This run sent 1 e-mail and 2 text messages, and published 1 post.');
    expect(words(kinds({ email: 1, sms: 1, chat: 1 }))).toBe('This run sent 1 e-mail, 1 text message and 1 chat message.');
    // a post only: no funnel of messages
    expect(runResultsInWords({ atEnd: null, now: { ...summary(counts(0, 0, 0, 0, 0)), byKind: kinds({ post: 1 }) } }).messages).toBeNull();
  });

  it('a summary written before kinds were counted says its messages as messages', () => {
    expect(headlineOf({ messages: counts(2, 0, 0, 0, 0) })).toBe('This run sent 2 messages.');
  });

  it('the run.summary paragraph is the same words in one line', () => {
    expect(runResultsParagraph(summary(counts(1, 1, 0, 0, 0), [{ campaign: 'spring', totals: counts(2, 2, 0, 1, 0) }]))).toBe(
      'This run sent 1 message. So far: 1 delivered (100%), 0 opened, 0 clicked, no conversion yet. Campaign spring so far: 2 messages, 2 delivered (100%), 0 opened, 1 clicked (50%), no conversion yet.',
    );
  });
});
