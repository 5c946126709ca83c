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

/** How many messages a step's output says it sent: the distinct `messageId`s and `messageIds` anywhere in it, as the host counts. */
export function messagesOf(output: unknown): number {
  const ids = new Set<string>();
  const walk = (v: unknown, depth: number) => {
    if (depth > 6 || v === null || typeof v !== 'object') return;
    if (Array.isArray(v)) {
      for (const x of v.slice(0, 1000)) walk(x, depth + 1);
      return;
    }
    const o = v as Record<string, unknown>;
    if (typeof o.messageId === 'string') ids.add(o.messageId);
    if (Array.isArray(o.messageIds)) for (const id of o.messageIds) if (typeof id === 'string') ids.add(id);
    for (const [k, x] of Object.entries(o)) if (k !== 'messageIds') walk(x, depth + 1);
  };
  walk(output, 0);
  return ids.size;
}
