/**
 * A finished run's results in words for a marketer (the run page): what its steps sent and what came of it so far,
 * from `GET /api/runs/:id/summary` (the run.summary event and the same figures now).
 */
import type { RunResultsSummary } from '@neonhub/schemas';

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

export interface RunResultsView {
  headline: string;
  /** What came of the run's own messages so far (null when it sent none). */
  messages: string | null;
  /** What arrived after the run finished (null when nothing did, or no end summary). */
  since: string | null;
  campaigns: { campaign: string; text: string }[];
}

export function runResultsInWords(s: { atEnd: { at: string; summary: RunResultsSummary } | null; now: RunResultsSummary }): RunResultsView {
  const now = s.now;
  const sent = now.messages.sent;
  const since = s.atEnd ? sinceEnd(s.atEnd.summary.messages, now.messages) : '';
  return {
    headline: sent > 0 ? `This run sent ${plural(sent, 'message', 'messages')}.` : 'This run sent no messages.',
    messages: sent > 0 ? `So far: ${funnelWords(now.messages)}.` : null,
    since: since ? `Since the run finished: ${since}.` : null,
    campaigns: now.campaigns.map((c) => ({
      campaign: c.campaign,
      text: `${plural(c.totals.sent, 'message', 'messages')}, ${funnelWords(c.totals)}.`,
    })),
  };
}

/** How many messages a step's output says it sent (its `messageId`, or `messageIds`, anywhere in it), as the host counts. */
export function messagesOf(output: unknown, depth = 0): number {
  if (depth > 6 || output === null || typeof output !== 'object') return 0;
  if (Array.isArray(output)) return output.slice(0, 1000).reduce<number>((a, x) => a + messagesOf(x, depth + 1), 0);
  const o = output as Record<string, unknown>;
  let count = typeof o.messageId === 'string' ? 1 : 0;
  if (Array.isArray(o.messageIds)) count += o.messageIds.filter((x) => typeof x === 'string').length;
  for (const [k, v] of Object.entries(o)) if (k !== 'messageIds') count += messagesOf(v, depth + 1);
  return count;
}
