import type { RunOutputCounts, RunResultsSummary, RunResultsWords } from '@neonhub/schemas';

/**
 * A run's results in words for a marketer: the one wording of what a run sent and what came of it. The run's
 * `run.summary` event carries it as `text`, and `GET /api/runs/:id/summary` answers it as `words` (with what arrived
 * since the run finished), which the console's run page renders as is.
 */
type Counts = RunResultsSummary['messages'];

const n = (x: number) => x.toLocaleString('en-US');
const plural = (x: number, one: string, many: string) => `${n(x)} ${x === 1 ? one : many}`;
const share = (part: number, whole: number) => (whole > 0 && part > 0 ? ` (${Math.round((100 * part) / whole)}%)` : '');

/** "2 delivered (100%), 1 opened (50%), 1 clicked (50%), no conversion yet". */
export function funnelWords(c: Counts): string {
  const base = c.delivered > 0 ? c.delivered : c.sent;
  return [
    `${n(c.delivered)} delivered${share(c.delivered, c.sent)}`,
    `${n(c.opened)} opened${share(c.opened, base)}`,
    `${n(c.clicked)} clicked${share(c.clicked, base)}`,
    c.converted > 0 ? plural(c.converted, 'conversion', 'conversions') : 'no conversion yet',
  ].join(', ');
}

/** What changed between the summary the run ended with and now: "+3 opens, +1 click" (empty when nothing did). */
export function sinceEnd(atEnd: Counts, now: Counts): string {
  const parts: string[] = [];
  const words: [keyof Counts, string, string][] = [
    ['delivered', 'delivery', 'deliveries'],
    ['opened', 'open', 'opens'],
    ['clicked', 'click', 'clicks'],
    ['converted', 'conversion', 'conversions'],
  ];
  for (const [k, one, many] of words) {
    const d = now[k] - atEnd[k];
    if (d > 0) parts.push(`+${plural(d, one, many)}`);
  }
  return parts.join(', ');
}

type Figures = Pick<RunResultsSummary, 'messages' | 'campaigns' | 'byKind'>;

const SENT: [Exclude<keyof RunOutputCounts, 'post'>, string, string][] = [
  ['email', 'e-mail', 'e-mails'],
  ['sms', 'text message', 'text messages'],
  ['chat', 'chat message', 'chat messages'],
  ['message', 'message', 'messages'],
];
const and = (xs: string[]) => (xs.length <= 1 ? (xs[0] ?? '') : `${xs.slice(0, -1).join(', ')} and ${xs.at(-1)}`);

/**
 * What a run did, counted per kind: "This run sent 1 e-mail and published 1 post." A summary written before kinds were
 * counted (no `byKind`) says its messages as messages.
 */
export function headlineOf(f: Pick<Figures, 'messages' | 'byKind'>): string {
  const k = f.byKind ?? { email: 0, sms: 0, chat: 0, post: 0, message: f.messages.sent };
  const sent = SENT.filter(([key]) => k[key] > 0).map(([key, one, many]) => plural(k[key], one, many));
  const did = [...(sent.length ? [`sent ${and(sent)}`] : []), ...(k.post > 0 ? [`published ${plural(k.post, 'post', 'posts')}`] : [])];
  return did.length ? `This run ${did.join(sent.length > 1 ? ', and ' : ' and ')}.` : 'This run sent and published nothing.';
}

/** The words of a run's results now, and of what arrived since the summary it ended with (when it has one). */
export function runResultsInWords(s: { atEnd: { summary: Figures } | null; now: Figures }): RunResultsWords {
  const now = s.now;
  const sent = now.messages.sent;
  const since = s.atEnd ? sinceEnd(s.atEnd.summary.messages, now.messages) : '';
  return {
    headline: headlineOf(now),
    messages: sent > 0 ? `So far: ${funnelWords(now.messages)}.` : null,
    since: since ? `Since the run finished: ${since}.` : null,
    campaigns: now.campaigns.map((c) => ({
      campaign: c.campaign,
      text: `${plural(c.totals.sent, 'message', 'messages')}, ${funnelWords(c.totals)}.`,
    })),
  };
}

/** The same words in one paragraph (the run.summary event's `text`). */
export function runResultsParagraph(figures: Figures): string {
  const w = runResultsInWords({ atEnd: null, now: figures });
  return [w.headline, ...(w.messages ? [w.messages] : []), ...w.campaigns.map((c) => `Campaign ${c.campaign} so far: ${c.text}`)].join(' ');
}
