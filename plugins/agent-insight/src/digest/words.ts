import type { Mover, ResultAnomaly, Stage, StageForecast } from '../results/analyze.js';

/** How a marketer names each stage: singular, plural, and the rate taken from the stage before it. */
const NOUNS: Record<Stage, { one: string; many: string; rate: string }> = {
  sent: { one: 'send', many: 'sends', rate: 'send rate' },
  delivered: { one: 'delivery', many: 'deliveries', rate: 'delivery rate' },
  opened: { one: 'open', many: 'opens', rate: 'open rate' },
  clicked: { one: 'click', many: 'clicks', rate: 'click rate' },
  converted: { one: 'conversion', many: 'conversions', rate: 'conversion rate (per click)' },
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

/** One thing that stood out: a root anomaly (not explained by the stage before it) over one or more days in a row. */
export interface Finding {
  campaign: string;
  kind: Stage;
  direction: 'high' | 'low';
  /** The anomalies of consecutive days, oldest first. */
  days: ResultAnomaly[];
  /** Later stages that moved with it the same days (they follow the volume). */
  followers: Stage[];
}

const STAGE_ORDER: readonly Stage[] = ['sent', 'delivered', 'opened', 'clicked', 'converted'];
const nextDay = (day: string) => new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);

/**
 * Groups anomalies for reading: those explained by volume become followers of the anomaly that caused them, and
 * a campaign's same stage moving the same way on consecutive days becomes one finding.
 */
export function findingsOf(anomalies: readonly ResultAnomaly[]): Finding[] {
  const roots = anomalies.filter((a) => a.cause.type !== 'volume');
  const followersOf = (r: ResultAnomaly) =>
    anomalies.filter((a) => a.cause.type === 'volume' && a.campaign === r.campaign && a.day === r.day && a.direction === r.direction);
  const out: Finding[] = [];
  const sorted = [...roots].sort(
    (a, b) =>
      a.campaign.localeCompare(b.campaign) || STAGE_ORDER.indexOf(a.kind) - STAGE_ORDER.indexOf(b.kind) || a.day.localeCompare(b.day),
  );
  for (const a of sorted) {
    const last = out.at(-1);
    if (
      last &&
      last.campaign === a.campaign &&
      last.kind === a.kind &&
      last.direction === a.direction &&
      nextDay(last.days.at(-1)!.day) === a.day
    )
      last.days.push(a);
    else out.push({ campaign: a.campaign, kind: a.kind, direction: a.direction, days: [a], followers: [] });
    const f = out.at(-1)!;
    for (const x of followersOf(a)) if (!f.followers.includes(x.kind)) f.followers.push(x.kind);
  }
  for (const f of out) f.followers.sort((a, b) => STAGE_ORDER.indexOf(a) - STAGE_ORDER.indexOf(b));
  return out.sort((a, b) => a.days[0]!.day.localeCompare(b.days[0]!.day) || a.campaign.localeCompare(b.campaign));
}

const list = (xs: readonly string[]) => (xs.length <= 1 ? (xs[0] ?? '') : `${xs.slice(0, -1).join(', ')} and ${xs.at(-1)}`);
const relChange = (value: number, expected: number) =>
  expected > 0 ? ` (${value >= expected ? '+' : '−'}${Math.round((Math.abs(value - expected) / expected) * 100)}%)` : '';

/** Why, in words, from the cause of an anomaly. */
function because(a: ResultAnomaly, avg?: { rate: number; usualRate: number }): string {
  const c = a.cause;
  if (c.type === 'volume' && c.upstream)
    return `${capitalize(NOUNS[c.upstream].many)} ${a.direction === 'low' ? 'fell' : 'rose'} the same day, so this follows the volume (${a.direction === 'low' ? 'fewer' : 'more'} messages), not a change in how people responded.`;
  const rate = avg?.rate ?? c.rate;
  const usual = avg?.usualRate ?? c.usualRate;
  if (c.type === 'rate' && c.upstream && rate !== undefined && usual !== undefined)
    return `The ${NOUNS[a.kind].rate} was ${pct(rate)} against a usual ${pct(usual)} while ${NOUNS[c.upstream].many} were normal: look at what went out then (links, subject, offer, landing page).`;
  if (a.kind === 'sent')
    return `${a.direction === 'low' ? 'Fewer' : 'More'} messages were sent than usual: check the schedule and the audience.`;
  return '';
}

/** "Spring sale: clicks dropped on Thursday 19 November: 21 instead of about 98 (−79%). The click rate ..." */
export function describeAnomaly(a: ResultAnomaly): string {
  const moved = a.direction === 'low' ? 'dropped' : 'jumped';
  const head = `${a.campaign}: ${NOUNS[a.kind].many} ${moved} on ${dayInWords(a.day)}: ${count(a.value)} instead of about ${count(Math.round(a.expected))}${relChange(a.value, a.expected)}.`;
  return [head, because(a)].filter(Boolean).join(' ');
}

/** A finding in one or two sentences (a single day reads as describeAnomaly; a run of days as one line). */
export function describeFinding(f: Finding): string {
  const first = f.days[0]!;
  const followed = f.followers.length > 0 ? ` ${capitalize(list(f.followers.map((k) => NOUNS[k].many)))} moved with it.` : '';
  if (f.days.length === 1) return `${describeAnomaly(first)}${followed}`;
  const n = f.days.length;
  const value = f.days.reduce((s, a) => s + a.value, 0) / n;
  const expected = f.days.reduce((s, a) => s + a.expected, 0) / n;
  const rates = f.days.filter((a) => a.cause.rate !== undefined && a.cause.usualRate !== undefined);
  const avg =
    rates.length > 0
      ? { rate: rates.reduce((s, a) => s + a.cause.rate!, 0) / rates.length, usualRate: rates[0]!.cause.usualRate! }
      : undefined;
  const head = `${f.campaign}: ${NOUNS[f.kind].many} were ${f.direction === 'low' ? 'lower' : 'higher'} than usual ${n} days in a row, ${dayInWords(first.day)} to ${dayInWords(f.days.at(-1)!.day)}: about ${count(Math.round(value))} a day instead of about ${count(Math.round(expected))}${relChange(value, expected)}.`;
  return [head, because(first, avg)].filter(Boolean).join(' ') + followed;
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
