import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type FakeProvider, fakeEmbedding, fakeReply, startFakeAnthropic, startFakeOpenAI } from '../src/testing/index.js';

// The official client libraries parse the fakes' answers: proof that the fakes speak the real wire formats.

describe('the openai client against the fake OpenAI', () => {
  let fake: FakeProvider;
  let client: OpenAI;
  beforeAll(async () => {
    fake = await startFakeOpenAI();
    client = new OpenAI({ apiKey: 'sk-test', baseURL: fake.baseURL, maxRetries: 0 });
  });
  afterAll(() => fake.close());
  beforeEach(() => fake.reset());

  it('creates a chat completion', async () => {
    fake.enqueue(fakeReply.text('Hi there!', { usage: { inputTokens: 5, outputTokens: 3 } }));
    const r = await client.chat.completions.create({ model: 'gpt-test', messages: [{ role: 'user', content: 'Hello' }] });
    expect(r.choices[0]?.message.content).toBe('Hi there!');
    expect(r.choices[0]?.finish_reason).toBe('stop');
    expect(r.usage).toMatchObject({ prompt_tokens: 5, completion_tokens: 3, total_tokens: 8 });
    expect(fake.requests[0]).toMatchObject({ method: 'POST', path: '/v1/chat/completions' });
    expect(fake.requests[0]?.headers.authorization).toBe('Bearer sk-test');
  });

  it('streams a chat completion with a usage chunk and [DONE]', async () => {
    fake.enqueue(fakeReply.text('one two three', { usage: { inputTokens: 2, outputTokens: 3 } }));
    const stream = await client.chat.completions.create({
      model: 'gpt-test',
      messages: [{ role: 'user', content: 'Count' }],
      stream: true,
      stream_options: { include_usage: true },
    });
    const deltas: string[] = [];
    let usage: OpenAI.CompletionUsage | null | undefined;
    for await (const chunk of stream) {
      const d = chunk.choices[0]?.delta.content;
      if (d) deltas.push(d);
      if (chunk.usage) usage = chunk.usage;
    }
    expect(deltas).toEqual(['one ', 'two ', 'three']);
    expect(usage?.total_tokens).toBe(5);
  });

  it('assembles streamed tool_calls deltas', async () => {
    fake.enqueue(fakeReply.toolCall('get_weather', { city: 'Oslo', days: 2 }, { id: 'call_abc' }));
    const runner = client.chat.completions.stream({
      model: 'gpt-test',
      messages: [{ role: 'user', content: 'Weather?' }],
      tools: [
        { type: 'function', function: { name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } } },
      ],
    });
    const final = await runner.finalChatCompletion();
    const call = final.choices[0]?.message.tool_calls?.[0];
    expect(final.choices[0]?.finish_reason).toBe('tool_calls');
    expect(call?.id).toBe('call_abc');
    expect(call?.type === 'function' && JSON.parse(call.function.arguments)).toEqual({ city: 'Oslo', days: 2 });
  });

  it('answers the Responses API, plain and streamed', async () => {
    fake.enqueue(fakeReply.text('Plain answer'), fakeReply.text('Streamed answer'));
    const plain = await client.responses.create({ model: 'gpt-test', input: 'Hi' });
    expect(plain.output_text).toBe('Plain answer');
    const deltas: string[] = [];
    const stream = client.responses.stream({ model: 'gpt-test', input: 'Hi again' });
    stream.on('response.output_text.delta', (e) => deltas.push(e.delta));
    const final = await stream.finalResponse();
    expect(deltas).toEqual(['Streamed ', 'answer']);
    expect(final.output_text).toBe('Streamed answer');
    expect(final.usage?.total_tokens).toBeGreaterThan(0);
  });

  it('returns a function_call from the Responses API', async () => {
    fake.enqueue(fakeReply.toolCall('lookup', { q: 'neon' }, { id: 'call_r1' }));
    const r = await client.responses.create({
      model: 'gpt-test',
      input: 'Look up neon',
      tools: [{ type: 'function', name: 'lookup', parameters: {}, strict: false }],
    });
    const item = r.output[0];
    expect(item?.type).toBe('function_call');
    expect(item?.type === 'function_call' && [item.call_id, item.name, JSON.parse(item.arguments)]).toEqual([
      'call_r1',
      'lookup',
      { q: 'neon' },
    ]);
  });

  it('creates embeddings (the client asks for base64 and decodes it)', async () => {
    const r = await client.embeddings.create({ model: 'text-embedding-test', input: ['alpha', 'beta'] });
    expect((fake.requests[0]!.body as { encoding_format?: string }).encoding_format).toBe('base64');
    expect(r.data).toHaveLength(2);
    expect(r.data[0]?.embedding).toHaveLength(8);
    expect(r.data[0]?.embedding[0]).toBeCloseTo(fakeEmbedding('alpha', 8)[0] ?? Number.NaN, 5);
    const again = await client.embeddings.create({ model: 'text-embedding-test', input: 'alpha', encoding_format: 'float', dimensions: 4 });
    expect(again.data[0]?.embedding).toEqual(fakeEmbedding('alpha', 4));
  });

  it('raises the client library own RateLimitError with retry-after', async () => {
    fake.enqueue(fakeReply.error(429, { retryAfter: 11 }));
    const e = await client.chat.completions
      .create({ model: 'gpt-test', messages: [{ role: 'user', content: 'x' }] })
      .catch((err: unknown) => err);
    expect(e).toBeInstanceOf(OpenAI.RateLimitError);
    expect((e as InstanceType<typeof OpenAI.RateLimitError>).headers.get('retry-after')).toBe('11');
  });
});

describe('the @anthropic-ai/sdk client against the fake Anthropic', () => {
  let fake: FakeProvider;
  let client: Anthropic;
  beforeAll(async () => {
    fake = await startFakeAnthropic();
    // The official SDK's baseURL has no /v1 (the ai SDK's does).
    client = new Anthropic({ apiKey: 'ant-test', baseURL: fake.url, maxRetries: 0 });
  });
  afterAll(() => fake.close());
  beforeEach(() => fake.reset());

  it('creates a message', async () => {
    fake.enqueue(fakeReply.text('Bonjour', { usage: { inputTokens: 7, outputTokens: 2 } }));
    const m = await client.messages.create({
      model: 'claude-test',
      max_tokens: 100,
      messages: [{ role: 'user', content: 'Say hi in French' }],
    });
    expect(m.content[0]).toEqual({ type: 'text', text: 'Bonjour' });
    expect(m.stop_reason).toBe('end_turn');
    expect(m.usage).toMatchObject({ input_tokens: 7, output_tokens: 2 });
    expect(fake.requests[0]?.path).toBe('/v1/messages');
    // @anthropic-ai/sdk 1.x sends the key as a bearer token (the ai SDK sends x-api-key); the fake records either.
    expect(fake.requests[0]?.headers.authorization).toBe('Bearer ant-test');
    expect(fake.requests[0]?.headers['anthropic-version']).toBeDefined();
  });

  it('streams text deltas and a tool_use block', async () => {
    fake.enqueue(
      fakeReply.text('Once upon a time'),
      fakeReply.toolCall('get_weather', { city: 'Lyon' }, { id: 'toolu_1', text: 'Checking.' }),
    );
    const deltas: string[] = [];
    const s = client.messages.stream({ model: 'claude-test', max_tokens: 100, messages: [{ role: 'user', content: 'Story' }] });
    s.on('text', (t) => deltas.push(t));
    const story = await s.finalMessage();
    expect(deltas).toEqual(['Once ', 'upon ', 'a ', 'time']);
    expect(story.content).toEqual([expect.objectContaining({ type: 'text', text: 'Once upon a time' })]);

    const toolMessage = await client.messages
      .stream({
        model: 'claude-test',
        max_tokens: 100,
        messages: [{ role: 'user', content: 'Weather in Lyon?' }],
        tools: [{ name: 'get_weather', input_schema: { type: 'object', properties: { city: { type: 'string' } } } }],
      })
      .finalMessage();
    expect(toolMessage.stop_reason).toBe('tool_use');
    expect(toolMessage.content[1]).toMatchObject({ type: 'tool_use', id: 'toolu_1', name: 'get_weather', input: { city: 'Lyon' } });
    expect(toolMessage.usage.output_tokens).toBeGreaterThan(0);
  });

  it('raises the client library own RateLimitError and AuthenticationError', async () => {
    fake.enqueue(fakeReply.error(429, { retryAfter: 5 }), fakeReply.error(401));
    const send = () =>
      client.messages.create({ model: 'claude-test', max_tokens: 10, messages: [{ role: 'user', content: 'x' }] }).catch((e: unknown) => e);
    const limited = await send();
    expect(limited).toBeInstanceOf(Anthropic.RateLimitError);
    expect((limited as InstanceType<typeof Anthropic.RateLimitError>).headers?.get('retry-after')).toBe('5');
    expect(await send()).toBeInstanceOf(Anthropic.AuthenticationError);
  });
});
