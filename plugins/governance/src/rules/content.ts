import type { CountryCode } from 'libphonenumber-js/max';
import { findPhoneNumbersInText } from 'libphonenumber-js/max';
import type { Policy } from '../policy/schema.js';
import { matchesTool } from './patterns.js';
import { getAtPointer, stringLeaves } from './pointer.js';

/** A content rule that failed: the deny code, the rule's path in the policy and a reason that never repeats the PII. */
export interface ContentViolation {
  code: 'NH_GOV_CONTENT_BANNED' | 'NH_GOV_DISCLOSURE_MISSING' | 'NH_GOV_PII';
  rule: string;
  reason: string;
}

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Whole-word (or whole-phrase) match: not preceded or followed by a letter, digit or underscore; spaces match any whitespace. */
export function phraseRegExp(phrase: string, caseSensitive = false): RegExp {
  const body = phrase.trim().split(/\s+/).map(escapeRe).join('\\s+');
  return new RegExp(`(?<![\\p{L}\\p{N}_])${body}(?![\\p{L}\\p{N}_])`, caseSensitive ? 'u' : 'iu');
}

/** The checked text: every string value of the input, recursively, except the ignored pointers (and what they contain). */
export function contentText(input: unknown, ignore: readonly string[]): string {
  const skipped = (path: string) => ignore.some((p) => path === p || path.startsWith(`${p}/`));
  return stringLeaves(input)
    .filter((l) => !skipped(l.path))
    .map((l) => l.value)
    .join('\n');
}

/** Luhn (mod 10) check of a digit string. */
export function luhnValid(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = digits.charCodeAt(digits.length - 1 - i) - 48;
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return digits.length > 0 && sum % 10 === 0;
}

const EMAIL = /[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}/g;
/** 13–19 digits, optionally grouped by single spaces or dashes. */
const CARD_CANDIDATE = /(?<![\d-])\d(?:[ -]?\d){12,18}(?![\d-])/g;

export function findEmails(text: string): string[] {
  return [...text.matchAll(EMAIL)].map((m) => m[0]);
}

/** Card numbers: 13–19 digit runs that pass the Luhn check (a 16-digit number failing Luhn is not a card). */
export function findCards(text: string): string[] {
  return [...text.matchAll(CARD_CANDIDATE)].map((m) => m[0].replace(/\D/g, '')).filter((d) => d.length >= 13 && luhnValid(d));
}

/** Phone numbers libphonenumber considers valid (numbers without a country code are read in `region`), as E.164. */
export function findPhones(text: string, region: string): string[] {
  return findPhoneNumbersInText(text, { defaultCountry: region as CountryCode }).map((m) => m.number.number);
}

const maskEmail = (e: string) => `${e[0]}***@${e.slice(e.indexOf('@') + 1)}`;
const lastFour = (d: string) => `…${d.slice(-4)}`;

/** True when the content rules look at this call: an external side effect, a contentTools match, or a disclosure rule for it. */
export function contentApplies(policy: Policy, tool: string, sideEffect: string): boolean {
  return (
    sideEffect === 'external' ||
    policy.contentTools.some((p) => matchesTool(p, tool)) ||
    policy.content.disclosures.some((d) => d.tools.some((p) => matchesTool(p, tool)))
  );
}

/**
 * Checks outgoing content in a fixed order and returns the first violation: banned phrases (in policy order),
 * then required disclosures (in policy order), then PII: e-mail, phone, card.
 */
export function checkContent(
  policy: Policy,
  tool: string,
  input: unknown,
  extraIgnore: readonly string[] = [],
): ContentViolation | undefined {
  const { content } = policy;
  const text = contentText(input, [...content.ignorePaths, ...extraIgnore]);

  for (const [i, phrase] of content.bannedPhrases.entries()) {
    if (phraseRegExp(phrase).test(text))
      return {
        code: 'NH_GOV_CONTENT_BANNED',
        rule: `content.bannedPhrases[${i}]`,
        reason: `content contains the banned phrase "${phrase}"`,
      };
  }
  for (const [i, rule] of content.disclosures.entries()) {
    if (!rule.tools.some((p) => matchesTool(p, tool))) continue;
    if (rule.when && getAtPointer(input, rule.when.path) !== rule.when.equals) continue;
    if (!phraseRegExp(rule.text, rule.caseSensitive).test(text))
      return {
        code: 'NH_GOV_DISCLOSURE_MISSING',
        rule: `content.disclosures[${i}]`,
        reason: `content for ${tool} must contain the disclosure "${rule.text}"`,
      };
  }
  const { pii } = content;
  if (pii.email === 'deny') {
    const found = findEmails(text);
    if (found.length > 0)
      return { code: 'NH_GOV_PII', rule: 'content.pii.email', reason: `content contains an e-mail address (${maskEmail(found[0]!)})` };
  }
  if (pii.phone === 'deny') {
    const found = findPhones(text, pii.phoneRegion);
    if (found.length > 0)
      return { code: 'NH_GOV_PII', rule: 'content.pii.phone', reason: `content contains a phone number (${lastFour(found[0]!)})` };
  }
  if (pii.card === 'deny') {
    const found = findCards(text);
    if (found.length > 0)
      return { code: 'NH_GOV_PII', rule: 'content.pii.card', reason: `content contains a payment card number (${lastFour(found[0]!)})` };
  }
  return undefined;
}
