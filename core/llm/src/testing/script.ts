/** What a fake provider answers next. The same reply renders in each provider's own wire format. */
export interface FakeUsage {
  inputTokens: number;
  outputTokens: number;
}

export interface FakeToolCall {
  name: string;
  arguments: Record<string, unknown>;
  /** Default: a numbered id in the provider's style (`call_1`, `toolu_1`). */
  id?: string;
}

export type FakeReply =
  | { type: 'text'; text: string; usage?: FakeUsage /** Stream deltas; default: word by word. */; chunks?: string[] }
  | { type: 'tool_calls'; calls: FakeToolCall[] /** Text before the calls. */; text?: string; usage?: FakeUsage }
  | {
      type: 'error';
      status: number;
      message?: string;
      /** Sent as the `retry-after` header (seconds or an HTTP date). */
      retryAfter?: number | string;
      headers?: Record<string, string>;
    };

/** Shorthands for `enqueue`. */
export const fakeReply = {
  text: (text: string, opts: { usage?: FakeUsage; chunks?: string[] } = {}): FakeReply => ({ type: 'text', text, ...opts }),
  toolCall: (name: string, args: Record<string, unknown>, opts: { id?: string; text?: string; usage?: FakeUsage } = {}): FakeReply => ({
    type: 'tool_calls',
    calls: [{ name, arguments: args, ...(opts.id ? { id: opts.id } : {}) }],
    ...(opts.text ? { text: opts.text } : {}),
    ...(opts.usage ? { usage: opts.usage } : {}),
  }),
  toolCalls: (calls: FakeToolCall[], opts: { text?: string; usage?: FakeUsage } = {}): FakeReply => ({
    type: 'tool_calls',
    calls,
    ...opts,
  }),
  error: (status: number, opts: { message?: string; retryAfter?: number | string; headers?: Record<string, string> } = {}): FakeReply => ({
    type: 'error',
    status,
    ...opts,
  }),
};

export const DEFAULT_FAKE_TEXT = 'Hello from the fake provider.';

/** Default stream deltas: word by word, concatenating to exactly the text. */
export function splitDeltas(reply: Extract<FakeReply, { type: 'text' }>): string[] {
  return reply.chunks ?? (reply.text.length === 0 ? [] : reply.text.split(/(?<=\s)(?=\S)/));
}

export function estimate(text: string): number {
  return Math.ceil(text.length / 4);
}

/** Usage for a reply: the scripted one, or ~chars/4 of the request and the reply. */
export function usageFor(reply: FakeReply, requestBody: unknown): FakeUsage {
  if (reply.type !== 'error' && reply.usage) return reply.usage;
  const input = estimate(JSON.stringify(requestBody ?? ''));
  if (reply.type === 'text') return { inputTokens: input, outputTokens: Math.max(1, estimate(reply.text)) };
  if (reply.type === 'tool_calls') {
    const out = (reply.text ?? '') + reply.calls.map((c) => c.name + JSON.stringify(c.arguments)).join('');
    return { inputTokens: input, outputTokens: Math.max(1, estimate(out)) };
  }
  return { inputTokens: input, outputTokens: 0 };
}

export function defaultErrorMessage(status: number): string {
  if (status === 429) return 'Rate limit reached. Please try again later.';
  if (status === 401) return 'Incorrect API key provided.';
  if (status === 403) return 'You do not have access to this resource.';
  if (status === 404) return 'The model does not exist or you do not have access to it.';
  if (status >= 500) return 'The server had an error while processing your request.';
  return 'Invalid request.';
}
