import type { ServerResponse } from 'node:http';
import { DEFAULT_FAKE_TEXT, defaultErrorMessage, type FakeReply, splitDeltas, usageFor } from './script.js';
import { type FakeContext, type FakeProvider, sendJson, startFakeServer, startSse } from './server.js';

type Body = Record<string, unknown>;

function errorType(status: number): string {
  if (status === 429) return 'rate_limit_error';
  if (status === 401) return 'authentication_error';
  if (status === 403) return 'permission_error';
  if (status === 404) return 'not_found_error';
  if (status === 413) return 'request_too_large';
  if (status === 529) return 'overloaded_error';
  if (status >= 500) return 'api_error';
  return 'invalid_request_error';
}

/** Anthropic's error envelope: `{ type: 'error', error: { type, message } }`, with `retry-after` when scripted. */
export function sendAnthropicError(res: ServerResponse, reply: Extract<FakeReply, { type: 'error' }>): void {
  const headers: Record<string, string> = { 'request-id': 'req_fake', ...reply.headers };
  if (reply.retryAfter !== undefined) headers['retry-after'] = String(reply.retryAfter);
  sendJson(
    res,
    reply.status,
    { type: 'error', error: { type: errorType(reply.status), message: reply.message ?? defaultErrorMessage(reply.status) } },
    headers,
  );
}

function messages(ctx: FakeContext): void {
  const body = (ctx.recorded.body ?? {}) as Body;
  const reply = ctx.next();
  if (reply.type === 'error') {
    sendAnthropicError(ctx.res, reply);
    return;
  }
  const n = ctx.seq();
  const id = `msg_fake${n}`;
  const model = String(body.model ?? 'fake-model');
  const u = usageFor(reply, body.messages);
  const text = reply.text;
  const toolUses =
    reply.type === 'tool_calls'
      ? reply.calls.map((c) => ({ type: 'tool_use' as const, id: c.id ?? `toolu_fake${ctx.seq()}`, name: c.name, input: c.arguments }))
      : [];
  const stopReason = toolUses.length > 0 ? 'tool_use' : 'end_turn';
  const content = [...(text !== undefined && text.length > 0 ? [{ type: 'text' as const, text }] : []), ...toolUses];

  if (body.stream !== true) {
    sendJson(ctx.res, 200, {
      id,
      type: 'message',
      role: 'assistant',
      model,
      content,
      stop_reason: stopReason,
      stop_sequence: null,
      usage: { input_tokens: u.inputTokens, output_tokens: u.outputTokens, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 },
    });
    return;
  }

  const sse = startSse(ctx.res, { 'request-id': `req_fake${n}` });
  sse.event('message_start', {
    type: 'message_start',
    message: {
      id,
      type: 'message',
      role: 'assistant',
      model,
      content: [],
      stop_reason: null,
      stop_sequence: null,
      usage: { input_tokens: u.inputTokens, output_tokens: 1, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 },
    },
  });
  let index = 0;
  if (text !== undefined && text.length > 0) {
    sse.event('content_block_start', { type: 'content_block_start', index, content_block: { type: 'text', text: '' } });
    sse.event('ping', { type: 'ping' });
    const deltas = reply.type === 'text' ? splitDeltas(reply) : [text];
    for (const d of deltas)
      sse.event('content_block_delta', { type: 'content_block_delta', index, delta: { type: 'text_delta', text: d } });
    sse.event('content_block_stop', { type: 'content_block_stop', index });
    index++;
  }
  for (const t of toolUses) {
    sse.event('content_block_start', {
      type: 'content_block_start',
      index,
      content_block: { type: 'tool_use', id: t.id, name: t.name, input: {} },
    });
    const json = JSON.stringify(t.input);
    const half = Math.ceil(json.length / 2);
    for (const piece of ['', json.slice(0, half), json.slice(half)]) {
      sse.event('content_block_delta', { type: 'content_block_delta', index, delta: { type: 'input_json_delta', partial_json: piece } });
    }
    sse.event('content_block_stop', { type: 'content_block_stop', index });
    index++;
  }
  sse.event('message_delta', {
    type: 'message_delta',
    delta: { stop_reason: stopReason, stop_sequence: null },
    usage: { output_tokens: u.outputTokens },
  });
  sse.event('message_stop', { type: 'message_stop' });
  sse.end();
}

/**
 * A fake Anthropic Messages API on a loopback port: `POST /v1/messages`, JSON or SSE
 * (`message_start`, `content_block_start/delta/stop` with `text_delta` and `input_json_delta`,
 * `message_delta`, `message_stop`), tool_use blocks, Anthropic's error envelope.
 * The `ai` SDK wants `baseURL` (with `/v1`); `@anthropic-ai/sdk` wants `url` (without).
 */
export function startFakeAnthropic(opts: { defaultText?: string } = {}): Promise<FakeProvider> {
  return startFakeServer({
    basePath: '/v1',
    defaultReply: () => ({ type: 'text', text: opts.defaultText ?? DEFAULT_FAKE_TEXT }),
    routes: { 'POST /v1/messages': messages },
    notFound: (res, path) => sendAnthropicError(res, { type: 'error', status: 404, message: `Not found: ${path}` }),
  });
}
