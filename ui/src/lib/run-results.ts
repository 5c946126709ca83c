/**
 * The run page's own count of the messages each step sent. The results in words are the host's
 * (`GET /api/runs/:id/summary` answers them as `words`, host/src/results/run-words.ts): the page renders those as is.
 */

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
