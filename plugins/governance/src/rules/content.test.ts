import { describe, expect, it } from 'vitest';
import { PolicySchema } from '../policy/schema.js';
import { checkContent, contentText, findCards, findEmails, findPhones, luhnValid, phraseRegExp } from './content.js';
import { matchesTool } from './patterns.js';
import { getAtPointer } from './pointer.js';

describe('content primitives', () => {
  it('Luhn: known test card numbers pass, a one-digit change fails', () => {
    expect(luhnValid('4111111111111111')).toBe(true);
    expect(luhnValid('5555555555554444')).toBe(true);
    expect(luhnValid('378282246310005')).toBe(true);
    expect(luhnValid('4111111111111112')).toBe(false);
  });

  it('finds card numbers written with spaces or dashes, and ignores 16 digits that fail Luhn', () => {
    expect(findCards('pay with 4111 1111 1111 1111 today')).toEqual(['4111111111111111']);
    expect(findCards('card 5555-5555-5555-4444.')).toEqual(['5555555555554444']);
    expect(findCards('order 4111111111111112 shipped')).toEqual([]);
    expect(findCards('call 415-555-0132, SKU 12345678')).toEqual([]);
  });

  it('finds e-mail addresses and valid phone numbers (national numbers read in the region)', () => {
    expect(findEmails('write to ana.b+promo@mail.example.co.uk or support')).toEqual(['ana.b+promo@mail.example.co.uk']);
    expect(findPhones('call (415) 555-0132 or +44 20 7946 0958', 'US')).toEqual(['+14155550132', '+442079460958']);
    expect(findPhones('20% off until 2026-03-31, order 1234567890, card 4111 1111 1111 1111', 'US')).toEqual([]);
  });

  it('matches banned phrases case-insensitively on word boundaries, spaces matching any whitespace', () => {
    const re = phraseRegExp('risk free');
    expect(re.test('Totally RISK\nFREE offer')).toBe(true);
    expect(re.test('risk freedom')).toBe(false);
    expect(phraseRegExp('#ad').test('Love these shoes #ad')).toBe(true);
    expect(phraseRegExp('#ad').test('#adventure awaits')).toBe(false);
    expect(phraseRegExp('Unsubscribe', true).test('unsubscribe')).toBe(false);
  });

  it('checks every string value of the input, recursively, except ignored pointers', () => {
    const input = { to: 'a@x.io', body: { parts: ['Hello', { text: 'World' }] }, n: 42, from: 'b@y.io' };
    expect(contentText(input, ['/to', '/from'])).toBe('Hello\nWorld');
    expect(getAtPointer({ 'a/b': { '~k': [1, 2] } }, '/a~1b/~0k/1')).toBe(2);
    expect(getAtPointer({ a: [1] }, '/a/01')).toBeUndefined();
  });

  it('tool patterns: exact, plugin:*, * and inner wildcards', () => {
    expect(matchesTool('connector-email-sandbox:send', 'connector-email-sandbox:send')).toBe(true);
    expect(matchesTool('connector-email-sandbox:*', 'connector-email-sandbox:outbox')).toBe(true);
    expect(matchesTool('connector-*:send', 'connector-sms-sandbox:send')).toBe(true);
    expect(matchesTool('connector-*:send', 'connector-sms-sandbox:sender')).toBe(false);
    expect(matchesTool('*', 'anything:at_all')).toBe(true);
  });
});

describe('checkContent rule order', () => {
  const policy = PolicySchema.parse({
    content: {
      bannedPhrases: ['guaranteed', 'risk free'],
      disclosures: [{ tools: ['connector-email-*:send'], text: 'Unsubscribe' }],
      pii: { email: 'deny', phone: 'deny', card: 'deny' },
    },
  });
  const tool = 'connector-email-sandbox:send';

  it('reports the first failing rule: banned phrases, then disclosures, then PII e-mail, phone, card', () => {
    const all = { text: 'Guaranteed! mail x@y.io, call (415) 555-0132, card 4111 1111 1111 1111' };
    expect(checkContent(policy, tool, all)).toMatchObject({ code: 'NH_GOV_CONTENT_BANNED', rule: 'content.bannedPhrases[0]' });
    const noBanned = { text: 'mail x@y.io, call (415) 555-0132, card 4111 1111 1111 1111' };
    expect(checkContent(policy, tool, noBanned)).toMatchObject({ code: 'NH_GOV_DISCLOSURE_MISSING', rule: 'content.disclosures[0]' });
    const disclosed = { text: `${noBanned.text}. Unsubscribe` };
    expect(checkContent(policy, tool, disclosed)).toEqual({
      code: 'NH_GOV_PII',
      rule: 'content.pii.email',
      reason: 'content contains an e-mail address (x***@y.io)',
    });
    expect(checkContent(policy, tool, { text: 'call (415) 555-0132, card 4111 1111 1111 1111. Unsubscribe' })).toEqual({
      code: 'NH_GOV_PII',
      rule: 'content.pii.phone',
      reason: 'content contains a phone number (…0132)',
    });
    expect(checkContent(policy, tool, { text: 'card 4111 1111 1111 1111. Unsubscribe' })).toEqual({
      code: 'NH_GOV_PII',
      rule: 'content.pii.card',
      reason: 'content contains a payment card number (…1111)',
    });
    expect(checkContent(policy, tool, { text: 'ref 4111 1111 1111 1112. Unsubscribe' })).toBeUndefined();
  });
});
