import { readFileSync } from 'node:fs';
import { APICallError, RetryError } from 'ai';
import { describe, expect, it } from 'vitest';
import {
  createLlm,
  createToolNameMap,
  fromProviderToolName,
  LlmConfigSchema,
  llmErrors,
  PROVIDER_TOOL_NAME,
  parseRetryAfter,
  toLlmError,
  toProviderToolName,
} from '../src/index.js';
import { expectNeonHubError } from './helpers.js';

const ctx = { provider: 'openai' as const, model: 'gpt-test' };
const apiError = (statusCode: number | undefined, headers: Record<string, string> = {}) =>
  new APICallError({
    message: 'boom',
    url: 'http://x/v1/chat/completions',
    requestBodyValues: { secret: 'prompt' },
    statusCode,
    responseHeaders: headers,
  });

describe('provider error mapping', () => {
  it.each([
    [429, 'NH_LLM_RATE_LIMITED', 'transient'],
    [401, 'NH_LLM_AUTH', 'user'],
    [403, 'NH_LLM_AUTH', 'user'],
    [500, 'NH_LLM_PROVIDER_ERROR', 'third_party'],
    [503, 'NH_LLM_PROVIDER_ERROR', 'third_party'],
    [400, 'NH_LLM_BAD_REQUEST', 'user'],
    [404, 'NH_LLM_BAD_REQUEST', 'user'],
    [undefined, 'NH_LLM_UNREACHABLE', 'transient'],
  ])('HTTP %s → %s', (status, code, category) => {
    const e = toLlmError(apiError(status), ctx);
    expect([e.code, e.category]).toEqual([code, category]);
    expect(JSON.stringify(e.details)).not.toContain('prompt'); // request bodies never leak into details
  });

  it('unwraps the SDK RetryError and reads retry-after in its three forms', () => {
    const retry = new RetryError({ message: 'gave up', reason: 'maxRetriesExceeded', errors: [apiError(429, { 'retry-after': '30' })] });
    expect(toLlmError(retry, ctx).details).toMatchObject({ retryAfterSeconds: 30 });
    expect(parseRetryAfter({ 'retry-after-ms': '1500' })).toBe(1.5);
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(parseRetryAfter({ 'retry-after': 'Thu, 01 Jan 2026 00:00:20 GMT' }, now)).toBe(20);
    expect(parseRetryAfter({})).toBeUndefined();
  });

  it('keeps NeonHub errors and marks unknown failures internal', () => {
    const coded = llmErrors.create('NH_LLM_AUTH', 'x');
    expect(toLlmError(coded, ctx)).toBe(coded);
    expect(toLlmError(new TypeError('bug'), ctx).code).toBe('NH_LLM_INTERNAL');
  });

  it('documents every code in docs/llm.md', () => {
    const doc = readFileSync(new URL('../../../docs/llm.md', import.meta.url), 'utf8');
    for (const code of Object.keys(llmErrors.registry)) expect(doc, code).toContain(`\`${code}\``);
  });
});

describe('config', () => {
  it('defaults to the offline provider', () => {
    expect(LlmConfigSchema.parse({})).toEqual({ provider: 'offline', maxRetries: 2 });
  });

  it.each([
    [{ provider: 'gemini' }, 'provider'],
    [{ provider: 'openai-compatible', baseURL: 'http://localhost:1234/v1' }, 'model'],
    [{ provider: 'openai-compatible', model: 'm' }, 'baseURL'],
    [{ provider: 'anthropic', api: 'responses', apiKey: 'k' }, 'api'],
    [{ provider: 'openai', baseURL: 'ftp://x' }, 'baseURL'],
  ])('rejects %j with NH_LLM_CONFIG_INVALID', async (config, field) => {
    const e = await expectNeonHubError(
      Promise.resolve().then(() => createLlm(config as never)),
      'NH_LLM_CONFIG_INVALID',
    );
    expect(JSON.stringify(e.details)).toContain(field);
  });

  it('needs an API key for OpenAI and Anthropic, from the config or the environment', async () => {
    const e = await expectNeonHubError(
      Promise.resolve().then(() => createLlm({ provider: 'anthropic' }, { env: {} })),
      'NH_LLM_CONFIG_INVALID',
    );
    expect(e.message).toContain('ANTHROPIC_API_KEY');
    expect(createLlm({ provider: 'openai' }, { env: { OPENAI_API_KEY: 'sk-env' } }).model).toBe('gpt-4.1-mini');
    expect(createLlm({ provider: 'ollama' }, { env: {} }).model).toBe('llama3.2');
  });
});

describe('tool names', () => {
  it('maps plugin:tool to plugin__tool and back', () => {
    expect(toProviderToolName('agent-seo:analyze_page')).toBe('agent-seo__analyze_page');
    expect(fromProviderToolName('agent-seo__analyze_page')).toBe('agent-seo:analyze_page');
    expect(toProviderToolName('search')).toBe('search');
    expect(fromProviderToolName('search')).toBe('search');
    // tool names may contain __ themselves; plugin ids cannot, so the first __ is the boundary
    expect(fromProviderToolName(toProviderToolName('mcp-memory:find__all'))).toBe('mcp-memory:find__all');
  });

  it('shortens names over 64 characters with a stable hash, and the per-call map resolves them', () => {
    const long = `connector-${'x'.repeat(50)}:${'publish_'.repeat(5)}post`;
    const short = toProviderToolName(long);
    expect(short).toMatch(PROVIDER_TOOL_NAME);
    expect(short).toHaveLength(64);
    expect(toProviderToolName(long)).toBe(short);
    expect(createToolNameMap([long, 'a:b']).toNeonHub(short)).toBe(long);
  });

  it('rejects names that are not NeonHub tool names', async () => {
    await expectNeonHubError(
      Promise.resolve().then(() => toProviderToolName('Bad Plugin:tool')),
      'NH_LLM_BAD_REQUEST',
    );
  });
});
