import { describe, expect, it } from 'vitest';
import { messagesOf } from './run-results';

describe('the messages a step sent', () => {
  it('counts the messages a step output names, as the host does', () => {
    expect(messagesOf({ messageId: 'm1', sandbox: true })).toBe(1);
    expect(messagesOf({ results: [{ messageId: 'a' }, { messageId: 'b' }], messageIds: ['c', 'd', 3] })).toBe(4);
    expect(messagesOf({ messageId: 'm1', delivery: { messageId: 'm1' } })).toBe(1);
    expect(messagesOf('text')).toBe(0);
  });
});
