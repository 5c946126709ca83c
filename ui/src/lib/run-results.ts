/**
 * The run page's own count of the messages each step sent and the posts it published. The results in words are the host's
 * (`GET /api/runs/:id/summary` answers them as `words`, host/src/results/run-words.ts): the page renders those as is.
 */

/**
 * The ids a step's output names anywhere in it (depth 6, 1,000 items an array), as the host counts them: messages by
 * `messageId` and `messageIds`, posts by `postId` unless a `messageId` names the same id (a send that also carries one).
 */
function idsIn(output: unknown): { messages: Set<string>; posts: Set<string> } {
  const messages = new Set<string>();
  const named = new Set<string>();
  const posts = new Set<string>();
  const walk = (v: unknown, depth: number) => {
    if (depth > 6 || v === null || typeof v !== 'object') return;
    if (Array.isArray(v)) {
      for (const x of v.slice(0, 1000)) walk(x, depth + 1);
      return;
    }
    const o = v as Record<string, unknown>;
    if (typeof o.messageId === 'string') {
      messages.add(o.messageId);
      named.add(o.messageId);
    }
    if (Array.isArray(o.messageIds)) for (const id of o.messageIds) if (typeof id === 'string') messages.add(id);
    if (typeof o.postId === 'string' && o.postId) posts.add(o.postId);
    for (const [k, x] of Object.entries(o)) if (k !== 'messageIds') walk(x, depth + 1);
  };
  walk(output, 0);
  for (const id of named) posts.delete(id);
  return { messages, posts };
}

/** How many messages a step's output says it sent: the distinct `messageId`s and `messageIds` anywhere in it. */
export const messagesOf = (output: unknown): number => idsIn(output).messages.size;

/** How many posts a step's output says it published: the distinct `postId`s anywhere in it that no message id names. */
export const postsOf = (output: unknown): number => idsIn(output).posts.size;

const count = (n: number, one: string, many: string) => `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;

/** What one step sent and published, in words ("1 message", "2 posts", "1 message and 1 post"); null when nothing. */
export function stepSentWords(output: unknown): string | null {
  const { messages, posts } = idsIn(output);
  const m = messages.size;
  const p = posts.size;
  const parts = [...(m > 0 ? [count(m, 'message', 'messages')] : []), ...(p > 0 ? [count(p, 'post', 'posts')] : [])];
  return parts.length ? parts.join(' and ') : null;
}
