import { describe, expect, it } from 'vitest';
import { networkOf, recipientsOf } from './views.js';

describe('outbox views', () => {
  it('a post carries the network it went to (the calendar shows it); other sends carry none', () => {
    expect(networkOf('social', { network: 'linkedin', text: 'Spring sale' })).toBe('linkedin');
    expect(networkOf('social', { text: 'no network' })).toBeNull();
    expect(networkOf('email', { network: 'linkedin', to: 'ada@example.com' })).toBeNull();
    expect(networkOf(null, null)).toBeNull();
    expect(recipientsOf({ to: ['ada@example.com', ''] })).toEqual(['ada@example.com']);
  });
});
