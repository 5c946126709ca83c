import { describe, expect, it } from 'vitest';
import { outboxTo, outboxVia } from './outbox';

const plugins = [
  { id: 'connector-email-sandbox', name: 'E-mail connector (sandbox)' },
  { id: 'connector-social-sandbox', name: 'Social connector (sandbox)' },
];

describe('an outbox message in words', () => {
  it('names where a post goes by its network, not as a recipient', () => {
    expect(outboxTo({ channel: 'social', network: 'linkedin', plugin: 'connector-social-sandbox', recipients: ['linkedin'] })).toBe(
      'LinkedIn',
    );
    expect(outboxTo({ channel: 'social', network: 'mastodon', plugin: 'connector-mastodon', recipients: [] })).toBe('Mastodon');
  });

  it('lists up to three recipients and counts the rest', () => {
    const m = { channel: 'email', network: null, plugin: 'connector-email-sandbox' };
    expect(outboxTo({ ...m, recipients: ['a@x.io'] })).toBe('a@x.io');
    expect(outboxTo({ ...m, recipients: ['a@x.io', 'b@x.io', 'c@x.io', 'd@x.io', 'e@x.io'] })).toBe('a@x.io, b@x.io, c@x.io +2');
    expect(outboxTo({ ...m, recipients: [] })).toBe('—');
  });

  it("says the channel and the connector's name, never its plugin id", () => {
    const via = outboxVia({ channel: 'social', network: 'linkedin', plugin: 'connector-social-sandbox', recipients: [] }, plugins);
    expect(via).toBe('Social post · Social connector (sandbox)');
    expect(via).not.toContain('connector-social-sandbox');
    expect(outboxVia({ channel: 'email', network: null, plugin: 'connector-email-sandbox', recipients: [] }, plugins)).toBe(
      'E-mail · E-mail connector (sandbox)',
    );
    // a connector no longer installed keeps its id (nothing else names it); no channel: the connector alone
    expect(outboxVia({ channel: null, network: null, plugin: 'connector-gone', recipients: [] }, plugins)).toBe('connector-gone');
  });
});
