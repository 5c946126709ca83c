import Sentiment from 'sentiment';
import type { Category, Priority, SentimentLabel, Triage } from './model.js';

const analyzer = new Sentiment();

/** Keyword rules per category, in tie-break order. Phrases match on word boundaries, case-insensitively. */
export const CATEGORY_KEYWORDS: Record<Exclude<Category, 'other'>, string[]> = {
  billing: [
    'invoice',
    'invoices',
    'charge',
    'charged',
    'charges',
    'billing',
    'bill',
    'billed',
    'refund',
    'refunds',
    'payment',
    'payments',
    'paid',
    'price',
    'pricing',
    'subscription',
    'credit card',
    'receipt',
    'cancel',
    'cancellation',
    'discount',
    'coupon',
    'chargeback',
    'renewal',
  ],
  technical: [
    'error',
    'errors',
    'bug',
    'bugs',
    'crash',
    'crashes',
    'crashed',
    'down',
    'outage',
    'broken',
    'not working',
    "doesn't work",
    'does not work',
    'slow',
    'timeout',
    'times out',
    'api',
    'integration',
    'sync',
    '500',
    '502',
    '503',
    '404',
    'webhook',
    'fails',
    'failing',
    'failed',
  ],
  account: [
    'password',
    'login',
    'log in',
    'sign in',
    'signin',
    'account',
    'username',
    '2fa',
    'two-factor',
    'locked out',
    'locked',
    'reset',
    'profile',
    'verification',
    'verify',
    'email address',
  ],
  feedback: [
    'suggestion',
    'feature request',
    'feature',
    'love',
    'great',
    'awesome',
    'wish',
    'would be nice',
    'feedback',
    'idea',
    'improve',
    'improvement',
    'thanks',
    'thank you',
  ],
};

/** Words that make a ticket urgent (with negative sentiment) or at least high. */
export const URGENT_KEYWORDS = [
  'down',
  'outage',
  'not working',
  'data loss',
  'lost data',
  'security',
  'breach',
  'hacked',
  'urgent',
  'asap',
  'immediately',
  'emergency',
  'lawsuit',
  'legal action',
  'cannot log in',
  "can't log in",
  'locked out',
];
/** Words that make a ticket high. */
export const HIGH_KEYWORDS = [
  'refund',
  'cancel',
  'cancellation',
  'chargeback',
  'charged twice',
  'double charged',
  'broken',
  'error',
  'errors',
  'crash',
  'crashes',
  'unacceptable',
  'complaint',
];

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Which of `phrases` occur in `text` as whole words, case-insensitively ("cancel" does not match "cancelled"). */
export function matchPhrases(text: string, phrases: readonly string[]): string[] {
  const normalized = text.replace(/[’‘]/g, "'");
  return phrases.filter((p) =>
    new RegExp(`(?<![\\p{L}\\p{N}])${escapeRe(p).replace(/\s+/g, '\\s+')}(?![\\p{L}\\p{N}])`, 'iu').test(normalized),
  );
}

export function sentimentLabel(score: number): SentimentLabel {
  return score <= -2 ? 'negative' : score >= 2 ? 'positive' : 'neutral';
}

const LEVELS: Priority[] = ['low', 'normal', 'high', 'urgent'];
const atLeast = (p: Priority, min: Priority): Priority => (LEVELS.indexOf(p) >= LEVELS.indexOf(min) ? p : min);

/**
 * Triage of one message: AFINN-165 sentiment (the `sentiment` package, negation-aware), a category
 * by keyword hits (most hits wins; ties in the order billing, technical, account, feedback), and a
 * priority from urgency keywords and sentiment.
 */
export function triage(text: string): Triage {
  const s = analyzer.analyze(text);
  const label = sentimentLabel(s.score);
  const categoryMatches: Triage['categoryMatches'] = {};
  let category: Category = 'other';
  let best = 0;
  for (const [c, words] of Object.entries(CATEGORY_KEYWORDS) as Array<[Exclude<Category, 'other'>, string[]]>) {
    const hits = matchPhrases(text, words);
    if (hits.length > 0) categoryMatches[c] = hits;
    if (hits.length > best) {
      best = hits.length;
      category = c;
    }
  }
  const urgent = matchPhrases(text, URGENT_KEYWORDS);
  const high = matchPhrases(text, HIGH_KEYWORDS);
  const reasons: string[] = [];
  let priority: Priority = label === 'positive' && urgent.length === 0 && high.length === 0 ? 'low' : 'normal';
  if (priority === 'low') reasons.push('positive message without problem keywords');
  if (urgent.length > 0) {
    priority = label === 'negative' ? 'urgent' : 'high';
    reasons.push(`urgency keywords: ${urgent.join(', ')}${label === 'negative' ? ' with negative sentiment' : ''}`);
  }
  if (high.length > 0) {
    priority = atLeast(priority, 'high');
    reasons.push(`escalating keywords: ${high.join(', ')}`);
  }
  if (s.score <= -5) {
    priority = atLeast(priority, 'high');
    reasons.push(`strongly negative sentiment (${s.score})`);
  }
  return {
    sentiment: {
      score: s.score,
      comparative: Math.round(s.comparative * 1000) / 1000,
      label,
      negativeWords: s.negative,
      positiveWords: s.positive,
    },
    category,
    categoryMatches,
    priority,
    priorityReasons: reasons,
  };
}
