import type { Mover, ResultAnomaly, Stage, StageForecast } from '../results/analyze.js';

/** How a marketer names each stage: singular, plural, and the rate taken from the stage before it. */
const NOUNS: Record<Stage, { one: string; many: string; rate: string }> = {
  sent: { one: 'send', many: 'sends', rate: 'send rate' },
  delivered: { one: 'delivery', many: 'deliveries', rate: 'delivery rate' },
  opened: { one: 'open', many: 'opens', rate: 'open rate' },
  clicked: { one: 'click', many: 'clicks', rate: 'click rate' },
  converted: { one: 'conversion', many: 'conversions', rate: 'conversion rate (per click)' },
};
const PAST: Record<Stage, string> = {
  sent: 'were sent',
  delivered: 'were delivered',
  opened: 'were opened',
  clicked: 'were clicked',
  converted: 'converted',
};

const dayFormat = new Intl.DateTimeFormat('en-GB', { weekday: 'long', day: 'numeric', month: 'long', timeZone: 'UTC' });
const shortFormat = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' });
const numberFormat = new Intl.NumberFormat('en-GB', { maximumFractionDigits: 0 });

/** "Thursday 19 November". */
export const dayInWords = (day: string) => dayFormat.format(new Date(`${day}T00:00:00Z`));
export const shortDay = (day: string) => shortFormat.format(new Date(`${day}T00:00:00Z`));
export const count = (n: number) => numberFormat.format(n);
export const plural = (kind: Stage, n: number) => `${count(n)} ${n === 1 ? NOUNS[kind].one : NOUNS[kind].many}`;
const pct = (x: number) => `${(x * 100).toFixed(x < 0.1 ? 1 : 0)}%`;

/** "Spring sale: clicks dropped on Thursday 19 November — 21 instead of about 98 (−79%). The click rate ..." */
export function describeAnomaly(a: ResultAnomaly): string {
  const moved = a.direction === 'low' ? 'dropped' : 'jumped';
  const change =
    a.expected > 0 ? ` (${a.value >= a.expected ? '+' : '−'}${Math.round((Math.abs(a.value - a.expected) / a.expected) * 100)}%)` : '';
  const head = `${a.campaign}: ${NOUNS[a.kind].many} ${moved} on ${dayInWords(a.day)}: ${count(a.value)} instead of about ${count(Math.round(a.expected))}${change}.`;
  const c = a.cause;
  if (c.type === 'volume' && c.upstream)
    return `${head} ${capitalize(NOUNS[c.upstream].many)} ${a.direction === 'low' ? 'fell' : 'rose'} the same day, so this follows the volume: fewer or more messages, not a change in how people responded.`;
  if (c.type === 'rate' && c.upstream && c.rate !== undefined && c.usualRate !== undefined)
    return `${head} The ${NOUNS[a.kind].rate} was ${pct(c.rate)} against a usual ${pct(c.usualRate)} while ${NOUNS[c.upstream].many} were normal: look at what went out that day (links, subject, offer, landing page).`;
  if (a.kind === 'sent') return `${head} Fewer or more messages ${PAST.sent} than usual: check the schedule and the audience of that day.`;
  return head;
}

/** "Spring sale: clicks 412, up 35% from 305 the week before." */
export function describeMover(m: Mover): string {
  const diff = m.thisWeek - m.lastWeek;
  const rel = m.lastWeek > 0 ? `${diff > 0 ? 'up' : 'down'} ${Math.round((Math.abs(diff) / m.lastWeek) * 100)}%` : 'up from none';
  return `${m.campaign}: ${plural(m.kind, m.thisWeek)}, ${rel} from ${count(m.lastWeek)} the week before.`;
}

/** "Clicks: about 2,900 next week (likely between 2,400 and 3,400), after 2,850 this week." */
export function describeForecast(f: StageForecast): string {
  return `${capitalize(NOUNS[f.kind].many)}: about ${count(f.nextWeek)} next week (likely between ${count(f.lower)} and ${count(f.upper)}), after ${count(f.thisWeek)} this week.`;
}

const capitalize = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
