import { createHash } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { DEFAULT_FAKE_TEXT, defaultErrorMessage, type FakeReply, splitDeltas, usageFor } from './script.js';
import { type FakeContext, type FakeProvider, sendJson, startFakeServer, startSse } from './server.js';

type Body = Record<string, unknown>;
const CREATED = 1_700_000_000;

function errorType(status: number): { type: string; code: string | null } {
  if (status === 429) return { type: 'requests', code: 'rate_limit_exceeded' };
  if (status === 401) return { type: 'invalid_request_error', code: 'invalid_api_key' };
  if (status === 403) return { type: 'invalid_request_error', code: 'unsupported_country_region_territory' };
  if (status === 404) return { type: 'invalid_request_error', code: 'model_not_found' };
  if (status >= 500) return { type: 'server_error', code: null };
  return { type: 'invalid_request_error', code: null };
}

/** OpenAI's error envelope: `{ error: { message, type, param, code } }`, with `retry-after` when scripted. */
export function sendOpenAIError(res: ServerResponse, reply: Extract<FakeReply, { type: 'error' }>): void {
  const headers: Record<string, string> = { 'x-request-id': 'req_fake', ...reply.headers };
  if (reply.retryAfter !== undefined) headers['retry-after'] = String(reply.retryAfter);
  sendJson(
    res,
    reply.status,
    { error: { message: reply.message ?? defaultErrorMessage(reply.status), ...errorType(reply.status), param: null } },
    headers,
  );
}

function chatCompletions(ctx: FakeContext): void {
  const body = (ctx.recorded.body ?? {}) as Body;
  const reply = ctx.next();
  if (reply.type === 'error') {
    sendOpenAIError(ctx.res, reply);
    return;
  }
  const id = `chatcmpl-fake${ctx.seq()}`;
  const model = String(body.model ?? 'fake-model');
  const u = usageFor(reply, body.messages);
  const usage = { prompt_tokens: u.inputTokens, completion_tokens: u.outputTokens, total_tokens: u.inputTokens + u.outputTokens };
  const toolCalls =
    reply.type === 'tool_calls'
      ? reply.calls.map((c) => ({
          id: c.id ?? `call_${ctx.seq()}`,
          type: 'function' as const,
          name: c.name,
          arguments: JSON.stringify(c.arguments),
        }))
      : [];
  const text = reply.type === 'text' ? reply.text : (reply.text ?? null);
  const finish = toolCalls.length > 0 ? 'tool_calls' : 'stop';

  if (body.stream !== true) {
    sendJson(ctx.res, 200, {
      id,
      object: 'chat.completion',
      created: CREATED,
      model,
      choices: [
        {
          index: 0,
          message: {
            role: 'assistant',
            content: text,
            refusal: null,
            ...(toolCalls.length > 0
              ? { tool_calls: toolCalls.map((c) => ({ id: c.id, type: c.type, function: { name: c.name, arguments: c.arguments } })) }
              : {}),
          },
          logprobs: null,
          finish_reason: finish,
        },
      ],
      usage,
      system_fingerprint: 'fp_fake',
    });
    return;
  }

  const sse = startSse(ctx.res);
  const chunk = (delta: Record<string, unknown>, finishReason: string | null = null) =>
    sse.data({
      id,
      object: 'chat.completion.chunk',
      created: CREATED,
      model,
      choices: [{ index: 0, delta, logprobs: null, finish_reason: finishReason }],
    });
  chunk({ role: 'assistant', content: '' });
  if (reply.type === 'text') for (const d of splitDeltas(reply)) chunk({ content: d });
  else if (reply.text) chunk({ content: reply.text });
  toolCalls.forEach((c, index) => {
    chunk({ tool_calls: [{ index, id: c.id, type: 'function', function: { name: c.name, arguments: '' } }] });
    // Arguments arrive in pieces, as OpenAI sends them.
    const half = Math.ceil(c.arguments.length / 2);
    for (const piece of [c.arguments.slice(0, half), c.arguments.slice(half)]) {
      if (piece.length > 0) chunk({ tool_calls: [{ index, function: { arguments: piece } }] });
    }
  });
  chunk({}, finish);
  const options = body.stream_options as { include_usage?: boolean } | undefined;
  if (options?.include_usage) sse.data({ id, object: 'chat.completion.chunk', created: CREATED, model, choices: [], usage });
  sse.data('[DONE]');
  sse.end();
}

function responses(ctx: FakeContext): void {
  const body = (ctx.recorded.body ?? {}) as Body;
  const reply = ctx.next();
  if (reply.type === 'error') {
    sendOpenAIError(ctx.res, reply);
    return;
  }
  const n = ctx.seq();
  const id = `resp_fake${n}`;
  const model = String(body.model ?? 'fake-model');
  const u = usageFor(reply, body.input);
  const usage = {
    input_tokens: u.inputTokens,
    input_tokens_details: { cached_tokens: 0 },
    output_tokens: u.outputTokens,
    output_tokens_details: { reasoning_tokens: 0 },
    total_tokens: u.inputTokens + u.outputTokens,
  };
  const text = reply.text;
  const messageItem =
    text !== undefined && text.length > 0
      ? {
          type: 'message' as const,
          id: `msg_fake${n}`,
          status: 'completed',
          role: 'assistant' as const,
          content: [{ type: 'output_text' as const, text, annotations: [] as unknown[], logprobs: [] as unknown[] }],
        }
      : undefined;
  const callItems =
    reply.type === 'tool_calls'
      ? reply.calls.map((c, i) => ({
          type: 'function_call' as const,
          id: `fc_fake${n}_${i}`,
          call_id: c.id ?? `call_${ctx.seq()}`,
          name: c.name,
          arguments: JSON.stringify(c.arguments),
          status: 'completed',
        }))
      : [];
  const output = [...(messageItem ? [messageItem] : []), ...callItems];
  const response = (status: string, out: unknown[], withUsage: boolean) => ({
    id,
    object: 'response',
    created_at: CREATED,
    status,
    error: null,
    incomplete_details: null,
    instructions: null,
    max_output_tokens: null,
    model,
    output: out,
    parallel_tool_calls: true,
    previous_response_id: null,
    temperature: 1,
    tool_choice: 'auto',
    tools: [],
    top_p: 1,
    truncation: 'disabled',
    usage: withUsage ? usage : null,
    metadata: {},
  });

  if (body.stream !== true) {
    sendJson(ctx.res, 200, response('completed', output, true));
    return;
  }

  const sse = startSse(ctx.res);
  let seq = 0;
  const emit = (type: string, payload: Record<string, unknown>) => sse.event(type, { type, sequence_number: seq++, ...payload });
  emit('response.created', { response: response('in_progress', [], false) });
  emit('response.in_progress', { response: response('in_progress', [], false) });
  let index = 0;
  if (messageItem) {
    const item_id = messageItem.id;
    const full = messageItem.content[0]?.text ?? '';
    emit('response.output_item.added', { output_index: index, item: { ...messageItem, status: 'in_progress', content: [] } });
    emit('response.content_part.added', {
      item_id,
      output_index: index,
      content_index: 0,
      part: { type: 'output_text', text: '', annotations: [] },
    });
    const deltas = reply.type === 'text' ? splitDeltas(reply) : [full];
    for (const delta of deltas) emit('response.output_text.delta', { item_id, output_index: index, content_index: 0, delta, logprobs: [] });
    emit('response.output_text.done', { item_id, output_index: index, content_index: 0, text: full, logprobs: [] });
    emit('response.content_part.done', { item_id, output_index: index, content_index: 0, part: messageItem.content[0] });
    emit('response.output_item.done', { output_index: index, item: messageItem });
    index++;
  }
  for (const item of callItems) {
    emit('response.output_item.added', { output_index: index, item: { ...item, arguments: '', status: 'in_progress' } });
    emit('response.function_call_arguments.delta', { item_id: item.id, output_index: index, delta: item.arguments });
    emit('response.function_call_arguments.done', { item_id: item.id, output_index: index, arguments: item.arguments });
    emit('response.output_item.done', { output_index: index, item });
    index++;
  }
  emit('response.completed', { response: response('completed', output, true) });
  sse.end();
}

/** Deterministic unit vectors from the text's SHA-256: equal texts embed equally. */
export function fakeEmbedding(text: string, dimensions: number): number[] {
  const out: number[] = [];
  let block = createHash('sha256').update(text).digest();
  while (out.length < dimensions) {
    for (let i = 0; i + 1 < block.length && out.length < dimensions; i += 2) out.push(block.readUInt16BE(i) / 32768 - 1);
    block = createHash('sha256').update(block).digest();
  }
  const norm = Math.sqrt(out.reduce((s, v) => s + v * v, 0)) || 1;
  return out.map((v) => v / norm);
}

function embeddings(ctx: FakeContext): void {
  const body = (ctx.recorded.body ?? {}) as Body;
  // Embeddings take a scripted reply only when it is an error; otherwise the queue is left alone.
  const head = ctx.peek();
  if (head?.type === 'error') {
    ctx.next();
    sendOpenAIError(ctx.res, head);
    return;
  }
  const inputs = Array.isArray(body.input) ? (body.input as unknown[]).map(String) : [String(body.input ?? '')];
  const dimensions = typeof body.dimensions === 'number' ? body.dimensions : 8;
  const data = inputs.map((text, index) => {
    const vector = fakeEmbedding(text, dimensions);
    const embedding = body.encoding_format === 'base64' ? Buffer.from(new Float32Array(vector).buffer).toString('base64') : vector;
    return { object: 'embedding', index, embedding };
  });
  const tokens = inputs.reduce((s, t) => s + Math.ceil(t.length / 4), 0);
  sendJson(ctx.res, 200, {
    object: 'list',
    data,
    model: String(body.model ?? 'fake-embedding'),
    usage: { prompt_tokens: tokens, total_tokens: tokens },
  });
}

/**
 * A fake OpenAI API on a loopback port: `POST /v1/chat/completions` (JSON and SSE with
 * `data: [DONE]`, tool_calls deltas, usage chunk when `stream_options.include_usage`),
 * `POST /v1/responses` (JSON and typed SSE events), `POST /v1/embeddings` (deterministic vectors,
 * float or base64). Also serves any OpenAI-compatible client.
 */
export function startFakeOpenAI(opts: { defaultText?: string } = {}): Promise<FakeProvider> {
  return startFakeServer({
    basePath: '/v1',
    defaultReply: () => ({ type: 'text', text: opts.defaultText ?? DEFAULT_FAKE_TEXT }),
    routes: {
      'POST /v1/chat/completions': chatCompletions,
      'POST /v1/responses': responses,
      'POST /v1/embeddings': embeddings,
    },
    notFound: (res, path) => sendOpenAIError(res, { type: 'error', status: 404, message: `Invalid URL (POST ${path})` }),
  });
}
