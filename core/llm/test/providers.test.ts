import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createLlm, type LlmConfigInput, type LlmUsageReport } from '../src/index.js';
import { type FakeProvider, fakeReply, startFakeAnthropic, startFakeOllama, startFakeOpenAI } from '../src/testing/index.js';
import { analyzePageTool, expectNeonHubError } from './helpers.js';

type Body = Record<string, unknown>;

interface ProviderCase {
  name: string;
  start: () => Promise<FakeProvider>;
  config: (fake: FakeProvider) => LlmConfigInput;
  path: string;
  /** The tool names the client sent in a request body. */
  toolNames: (body: Body) => string[];
  auth?: [header: string, value: string];
}

const fnNames = (body: Body) => ((body.tools ?? []) as Array<{ function: { name: string } }>).map((t) => t.function.name);
const flatNames = (body: Body) => ((body.tools ?? []) as Array<{ name: string }>).map((t) => t.name);

const cases: ProviderCase[] = [
  {
    name: 'openai (chat completions)',
    start: () => startFakeOpenAI(),
    config: (f) => ({ provider: 'openai', baseURL: f.baseURL, apiKey: 'sk-test', model: 'gpt-test', maxRetries: 0 }),
    path: '/v1/chat/completions',
    toolNames: fnNames,
    auth: ['authorization', 'Bearer sk-test'],
  },
  {
    name: 'openai (responses)',
    start: () => startFakeOpenAI(),
    config: (f) => ({ provider: 'openai', api: 'responses', baseURL: f.baseURL, apiKey: 'sk-test', model: 'gpt-test', maxRetries: 0 }),
    path: '/v1/responses',
    toolNames: flatNames,
    auth: ['authorization', 'Bearer sk-test'],
  },
  {
    name: 'anthropic',
    start: () => startFakeAnthropic(),
    config: (f) => ({ provider: 'anthropic', baseURL: f.baseURL, apiKey: 'ant-test', model: 'claude-sonnet-4-5', maxRetries: 0 }),
    path: '/v1/messages',
    toolNames: flatNames,
    auth: ['x-api-key', 'ant-test'],
  },
  {
    name: 'ollama (native /api/chat)',
    start: () => startFakeOllama(),
    config: (f) => ({ provider: 'ollama', baseURL: f.baseURL, model: 'llama-test', maxRetries: 0 }),
    path: '/api/chat',
    toolNames: fnNames,
  },
  {
    name: 'openai-compatible',
    start: () => startFakeOpenAI(),
    config: (f) => ({ provider: 'openai-compatible', baseURL: f.baseURL, apiKey: 'key-test', model: 'mistral-test', maxRetries: 0 }),
    path: '/v1/chat/completions',
    toolNames: fnNames,
    auth: ['authorization', 'Bearer key-test'],
  },
];

describe.each(cases)('$name through the ai SDK', (c) => {
  let fake: FakeProvider;
  beforeAll(async () => {
    fake = await c.start();
  });
  afterAll(async () => {
    await fake.close();
  });
  beforeEach(() => fake.reset());

  it('generates text and reports usage', async () => {
    const reports: LlmUsageReport[] = [];
    const llm = createLlm(c.config(fake), { onUsage: (r) => void reports.push(r) });
    fake.enqueue(fakeReply.text('Autumn is here.', { usage: { inputTokens: 12, outputTokens: 4 } }));
    const r = await llm.generate({ system: 'You write marketing copy.', prompt: 'One line about autumn.' });
    expect(r).toMatchObject({ text: 'Autumn is here.', offline: false, finishReason: 'stop', steps: 1, toolCalls: [] });
    expect(r.provider).toBe(c.config(fake).provider);
    expect(r.usage).toEqual({ inputTokens: 12, outputTokens: 4, totalTokens: 16 });
    expect(reports).toHaveLength(1);
    expect(reports[0]).toMatchObject({ provider: r.provider, model: r.model, inputTokens: 12, outputTokens: 4, mode: 'generate' });
    expect(fake.requests).toHaveLength(1);
    const req = fake.requests[0]!;
    expect(req.path).toBe(c.path);
    if (c.auth) expect(req.headers[c.auth[0]]).toBe(c.auth[1]);
    expect(JSON.stringify(req.body)).toContain('One line about autumn.');
    expect(JSON.stringify(req.body)).toContain('You write marketing copy.');
  });

  it('streams deltas in order, then the final result with usage', async () => {
    const llm = createLlm(c.config(fake));
    fake.enqueue(fakeReply.text('Hello brave new world', { usage: { inputTokens: 9, outputTokens: 5 } }));
    const s = llm.stream({ prompt: 'Say hello' });
    const deltas: string[] = [];
    for await (const d of s) deltas.push(d);
    expect(deltas).toEqual(['Hello ', 'brave ', 'new ', 'world']);
    const r = await s.result;
    expect(r.text).toBe('Hello brave new world');
    expect(r.usage).toEqual({ inputTokens: 9, outputTokens: 5, totalTokens: 14 });
    expect((fake.requests[0]!.body as Body).stream).toBe(true);
  });

  it('runs a 2-step tool loop through execute with validated arguments', async () => {
    const { tool, execute } = analyzePageTool();
    const llm = createLlm(c.config(fake));
    fake.enqueue(fakeReply.toolCall('agent-seo__analyze_page', { url: 'https://example.com/' }), fakeReply.text('The page scores 72.'));
    const r = await llm.generate({ prompt: 'Check https://example.com/', tools: { 'agent-seo:analyze_page': tool }, maxSteps: 3 });

    expect(execute).toHaveBeenCalledTimes(1);
    expect(execute.mock.calls[0]![0]).toEqual({ url: 'https://example.com/' });
    expect(r.steps).toBe(2);
    expect(r.text).toBe('The page scores 72.');
    expect(r.toolCalls).toHaveLength(1);
    expect(r.toolCalls[0]).toMatchObject({
      name: 'agent-seo:analyze_page',
      providerName: 'agent-seo__analyze_page',
      input: { url: 'https://example.com/' },
      output: { score: 72, issues: ['missing meta description'] },
      step: 0,
    });
    // The provider saw the legal name, and the second request carried the tool result back.
    expect(fake.requests).toHaveLength(2);
    expect(c.toolNames(fake.requests[0]!.body as Body)).toEqual(['agent-seo__analyze_page']);
    expect(JSON.stringify(fake.requests[1]!.body)).toContain('missing meta description');
  });

  it('streams a tool loop too', async () => {
    const { tool, execute } = analyzePageTool({ score: 90 });
    const llm = createLlm(c.config(fake));
    fake.enqueue(fakeReply.toolCall('agent-seo__analyze_page', { url: 'https://example.com/a', depth: 2 }), fakeReply.text('Score 90.'));
    const s = llm.stream({ prompt: 'Check the page', tools: { 'agent-seo:analyze_page': tool } });
    const deltas: string[] = [];
    for await (const d of s) deltas.push(d);
    const r = await s.result;
    expect(execute.mock.calls[0]![0]).toEqual({ url: 'https://example.com/a', depth: 2 });
    expect(deltas.join('')).toBe('Score 90.');
    expect(r.toolCalls.map((t) => [t.name, t.output])).toEqual([['agent-seo:analyze_page', { score: 90 }]]);
    expect(r.steps).toBe(2);
  });

  it('never runs execute with arguments that fail the schema; the model is told why', async () => {
    const { tool, execute } = analyzePageTool();
    const llm = createLlm(c.config(fake));
    fake.enqueue(fakeReply.toolCall('agent-seo__analyze_page', { url: 42 }), fakeReply.text('Sorry, I could not check it.'));
    const r = await llm.generate({ prompt: 'Check it', tools: { 'agent-seo:analyze_page': tool } });
    expect(execute).not.toHaveBeenCalled();
    expect(r.toolCalls[0]?.error).toMatch(/url must be string/);
    expect(r.text).toBe('Sorry, I could not check it.');
    expect(JSON.stringify(fake.requests[1]!.body)).toContain('must be string');
  });

  it('maps 429 to NH_LLM_RATE_LIMITED with the retry-after', async () => {
    const llm = createLlm(c.config(fake));
    fake.enqueue(fakeReply.error(429, { retryAfter: 7 }));
    const e = await expectNeonHubError(llm.generate({ prompt: 'hi' }), 'NH_LLM_RATE_LIMITED');
    expect(e.category).toBe('transient');
    expect(e.status).toBe(429);
    expect(e.details).toMatchObject({ status: 429, retryAfterSeconds: 7, provider: c.config(fake).provider });
    expect(fake.requests).toHaveLength(1); // maxRetries 0: the SDK did not retry
  });

  it('maps 429 during stream to NH_LLM_RATE_LIMITED, for the iterator and the result', async () => {
    const llm = createLlm(c.config(fake));
    fake.enqueue(fakeReply.error(429, { retryAfter: 3 }));
    const s = llm.stream({ prompt: 'hi' });
    const iterate = (async () => {
      for await (const _ of s) {
        // no deltas expected
      }
    })();
    await expectNeonHubError(iterate, 'NH_LLM_RATE_LIMITED');
    const e = await expectNeonHubError(s.result, 'NH_LLM_RATE_LIMITED');
    expect(e.details).toMatchObject({ retryAfterSeconds: 3 });
  });

  it('maps 401 to NH_LLM_AUTH and 500 to NH_LLM_PROVIDER_ERROR', async () => {
    const llm = createLlm(c.config(fake));
    fake.enqueue(fakeReply.error(401), fakeReply.error(500));
    const auth = await expectNeonHubError(llm.generate({ prompt: 'hi' }), 'NH_LLM_AUTH');
    expect(auth.category).toBe('user');
    const server = await expectNeonHubError(llm.generate({ prompt: 'hi' }), 'NH_LLM_PROVIDER_ERROR');
    expect(server.category).toBe('third_party');
  });

  it('retries a 429 itself when maxRetries > 0, honouring retry-after', async () => {
    const llm = createLlm({ ...c.config(fake), maxRetries: 1 } as LlmConfigInput);
    fake.enqueue(fakeReply.error(429, { retryAfter: 0 }), fakeReply.text('second time lucky'));
    const r = await llm.generate({ prompt: 'hi' });
    expect(r.text).toBe('second time lucky');
    expect(fake.requests).toHaveLength(2);
  });
});

describe('connection failures', () => {
  it('maps a refused connection to NH_LLM_UNREACHABLE', async () => {
    const fake = await startFakeOllama();
    const baseURL = fake.baseURL;
    await fake.close();
    const llm = createLlm({ provider: 'ollama', baseURL, maxRetries: 0 });
    const e = await expectNeonHubError(llm.generate({ prompt: 'hi' }), 'NH_LLM_UNREACHABLE');
    expect(e.category).toBe('transient');
  });
});
