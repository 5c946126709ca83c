import { describe, expect, it } from 'vitest';
import { messagesOf, postsOf, stepSentWords } from './run-results';

describe('the messages a step sent', () => {
  it('counts the messages a step output names, as the host does', () => {
    expect(messagesOf({ messageId: 'm1', sandbox: true })).toBe(1);
    expect(messagesOf({ results: [{ messageId: 'a' }, { messageId: 'b' }], messageIds: ['c', 'd', 3] })).toBe(4);
    expect(messagesOf({ messageId: 'm1', delivery: { messageId: 'm1' } })).toBe(1);
    expect(messagesOf('text')).toBe(0);
  });
});

describe('what a step sent and published, in words', () => {
  it('a published post is a post, not a message', () => {
    expect(
      postsOf({
        results: [
          { network: 'linkedin', postId: 'p1' },
          { network: 'x', postId: 'p2' },
        ],
      }),
    ).toBe(2);
    expect(stepSentWords({ results: [{ network: 'linkedin', postId: 'p1', duplicate: false }] })).toBe('1 post');
    expect(stepSentWords({ messageId: 'm1' })).toBe('1 message');
    expect(stepSentWords({ messageId: 'm1', postId: 'm1' })).toBe('1 message');
    expect(stepSentWords({ messageIds: ['a', 'b'], posts: [{ postId: 'p' }] })).toBe('2 messages and 1 post');
    expect(stepSentWords({ drafts: 3 })).toBeNull();
  });
});
