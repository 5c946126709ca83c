import type { ServerResponse } from 'node:http';
import { DEFAULT_FAKE_TEXT, defaultErrorMessage, type FakeReply, splitDeltas, usageFor } from './script.js';
import { type FakeContext, type FakeProvider, sendJson, startFakeServer } from './server.js';

type Body = Record<string, unknown>;
const CREATED_AT = '2025-01-01T00:00:00.000000Z';

/** Ollama's error body is `{ "error": "<message>" }`. */
export function sendOllamaError(res: ServerResponse, reply: Extract<FakeReply, { type: 'error' }>): void {
  const headers: Record<string, string> = { ...reply.headers };
  if (reply.retryAfter !== undefined) headers['retry-after'] = String(reply.retryAfter);
  sendJson(res, reply.status, { error: reply.message ?? defaultErrorMessage(reply.status) }, headers);
}

function chat(ctx: FakeContext): void {
  const body = (ctx.recorded.body ?? {}) as Body;
  const reply = ctx.next();
  if (reply.type === 'error') {
    sendOllamaError(ctx.res, reply);
    return;
  }
  const model = String(body.model ?? 'fake-model');
  const u = usageFor(reply, body.messages);
  const toolCalls =
    reply.type === 'tool_calls'
      ? reply.calls.map((c) => ({ ...(c.id ? { id: c.id } : {}), function: { name: c.name, arguments: c.arguments } }))
      : [];
  const stats = {
    done_reason: 'stop',
    total_duration: 1_000_000,
    load_duration: 1_000,
    prompt_eval_count: u.inputTokens,
    prompt_eval_duration: 1_000,
    eval_count: u.outputTokens,
    eval_duration: 1_000,
  };
  // Ollama streams unless told `stream: false`.
  if (body.stream === false) {
    sendJson(ctx.res, 200, {
      model,
      created_at: CREATED_AT,
      message: { role: 'assistant', content: reply.text ?? '', ...(toolCalls.length > 0 ? { tool_calls: toolCalls } : {}) },
      done: true,
      ...stats,
    });
    return;
  }
  ctx.res.writeHead(200, { 'content-type': 'application/x-ndjson' });
  const line = (v: unknown) => ctx.res.write(`${JSON.stringify(v)}\n`);
  const deltas = reply.type === 'text' ? splitDeltas(reply) : reply.text ? [reply.text] : [];
  for (const d of deltas) line({ model, created_at: CREATED_AT, message: { role: 'assistant', content: d }, done: false });
  if (toolCalls.length > 0)
    line({ model, created_at: CREATED_AT, message: { role: 'assistant', content: '', tool_calls: toolCalls }, done: false });
  line({ model, created_at: CREATED_AT, message: { role: 'assistant', content: '' }, done: true, ...stats });
  ctx.res.end();
}

/**
 * A fake Ollama on a loopback port speaking the native API: `POST /api/chat` (NDJSON stream
 * by default, one JSON object with `stream: false`; tool_calls with object arguments; token
 * counts as `prompt_eval_count`/`eval_count`) and `GET /api/tags`. Errors are `{ "error": "..." }`.
 */
export function startFakeOllama(opts: { defaultText?: string; models?: string[] } = {}): Promise<FakeProvider> {
  return startFakeServer({
    basePath: '/api',
    defaultReply: () => ({ type: 'text', text: opts.defaultText ?? DEFAULT_FAKE_TEXT }),
    routes: {
      'POST /api/chat': chat,
      'GET /api/tags': (ctx) =>
        sendJson(ctx.res, 200, {
          models: (opts.models ?? ['llama3.2']).map((name) => ({ name, model: name, modified_at: CREATED_AT, size: 0, digest: 'fake' })),
        }),
    },
    notFound: (res) => sendOllamaError(res, { type: 'error', status: 404, message: '404 page not found' }),
  });
}
