import { generateText } from 'ai';
import { describe, expect, it, vi } from 'vitest';
import { createLlm, type LlmTool, type LlmUsageReport, OFFLINE_LABEL, OfflineLanguageModel } from '../src/index.js';
import { analyzePageTool, expectNeonHubError } from './helpers.js';

const memory = [
  'Audience: independent bakeries',
  'Tone: warm',
  '- Oat-milk croissants launched in March',
  '- Open on Sundays since May',
].join('\n');

function tools() {
  const seo = analyzePageTool();
  const sendEmail = vi.fn(async () => ({ sent: true }));
  const all: Record<string, LlmTool> = {
    'agent-seo:analyze_page': seo.tool,
    'connector-mail:send_email': {
      description: 'Send an e-mail to a recipient',
      inputSchema: {
        type: 'object',
        properties: { to: { type: 'string', format: 'email' }, body: { type: 'string' } },
        required: ['to', 'body'],
      },
      execute: sendEmail,
    },
  };
  return { all, seo: seo.execute, sendEmail };
}

describe('the offline model', () => {
  it('is the default and labels everything it writes', async () => {
    const llm = createLlm();
    expect(llm).toMatchObject({ provider: 'offline', offline: true, model: 'neonhub-offline-1' });
    const r = await llm.generate({ system: memory, prompt: 'Write a blog post about our autumn menu' });
    expect(r.text.startsWith(`${OFFLINE_LABEL} Draft blog post`)).toBe(true);
    expect(r).toMatchObject({ offline: true, provider: 'offline', finishReason: 'stop', steps: 1, toolCalls: [] });
    // The draft is filled from the prompt and from the memory snippets in the system prompt.
    expect(r.text).toContain('# Our Autumn Menu');
    expect(r.text).toContain('for independent bakeries');
    expect(r.text).toContain('- Oat-milk croissants launched in March');
  });

  it('is deterministic: the same input gives the same bytes, generate and stream alike', async () => {
    const input = { system: memory, prompt: 'Draft an e-mail announcing Sunday opening hours' };
    const a = await createLlm().generate(input);
    const b = await createLlm().generate(input);
    expect(JSON.stringify(b)).toBe(JSON.stringify(a));
    const s = createLlm().stream(input);
    let streamed = '';
    for await (const d of s) streamed += d;
    expect(streamed).toBe(a.text);
    const r = await s.result;
    expect({ ...r }).toEqual(a);
  });

  it.each([
    ['Write a blog post about neon signs', 'Draft blog post', '# Neon Signs'],
    ['Draft an e-mail to customers about the spring sale', 'Draft e-mail', 'Subject: '],
    ['A LinkedIn post announcing our new store', 'Draft social post', '#'],
    ['Summarize this: The launch went well. Sales rose 12%. Next step is Paris.', 'Summary', '- Sales rose 12%.'],
    ['Plan a campaign for the winter collection', 'Draft plan', '1. Research'],
    ['What is the meaning of life?', 'Answer', 'cannot reason'],
  ])('picks a template for %j', async (prompt, headline, marker) => {
    const r = await createLlm().generate({ prompt });
    expect(r.text.split('\n')[0]).toContain(`${OFFLINE_LABEL} ${headline}`);
    expect(r.text).toContain(marker);
  });

  it('calls the tools whose names match the task, with arguments from the prompt, then summarises the results', async () => {
    const t = tools();
    const r = await createLlm().generate({ prompt: 'Analyze the page https://example.org/pricing', tools: t.all });
    expect(t.seo).toHaveBeenCalledTimes(1);
    expect(t.seo.mock.calls[0]![0]).toEqual({ url: 'https://example.org/pricing' });
    expect(t.sendEmail).not.toHaveBeenCalled();
    expect(r.steps).toBe(2);
    expect(r.toolCalls).toEqual([
      expect.objectContaining({
        name: 'agent-seo:analyze_page',
        providerName: 'agent-seo__analyze_page',
        input: { url: 'https://example.org/pricing' },
        output: { score: 72, issues: ['missing meta description'] },
        step: 0,
      }),
    ]);
    expect(r.text.startsWith(OFFLINE_LABEL)).toBe(true);
    expect(r.text).toContain('agent-seo:analyze_page returned: {"issues":["missing meta description"],"score":72}');
  });

  it('fills required arguments it cannot find with placeholders that pass the schema', async () => {
    const t = tools();
    const r = await createLlm().generate({ prompt: 'Send an e-mail to ana@example.com about the launch', tools: t.all });
    expect(t.sendEmail).toHaveBeenCalledTimes(1);
    expect(t.sendEmail.mock.calls[0]).toEqual([
      { to: 'ana@example.com', body: 'Send an e-mail to ana@example.com about the launch' },
      expect.anything(),
    ]);
    expect(r.toolCalls.map((c) => c.name)).toEqual(['connector-mail:send_email']);
  });

  it('calls no tool when none matches, and stops after the tool step when maxSteps is 1', async () => {
    const t = tools();
    const none = await createLlm().generate({ prompt: 'Write a haiku about rain', tools: t.all });
    expect(none.toolCalls).toEqual([]);
    expect(t.seo).not.toHaveBeenCalled();

    const one = await createLlm().generate({ prompt: 'Analyze https://example.org', tools: t.all, maxSteps: 1 });
    expect(one.steps).toBe(1);
    expect(one.finishReason).toBe('tool-calls');
    expect(one.text).toBe(`${OFFLINE_LABEL} Calling agent-seo:analyze_page (tools matched by name; no AI provider is configured).`);
    expect(t.seo).toHaveBeenCalledTimes(1);
  });

  it('passes an execute failure back to the model and reports it', async () => {
    const failing: LlmTool = {
      description: 'Publish a post',
      inputSchema: { type: 'object', properties: { text: { type: 'string' } }, required: ['text'] },
      execute: async () => {
        throw new Error('NH_TOOL_DENIED: publishing needs approval');
      },
    };
    const r = await createLlm().generate({ prompt: 'Publish a post about the sale', tools: { 'connector-social:publish_post': failing } });
    expect(r.toolCalls[0]).toMatchObject({ name: 'connector-social:publish_post', error: 'NH_TOOL_DENIED: publishing needs approval' });
    expect(r.toolCalls[0]).not.toHaveProperty('output');
    expect(r.text).toContain('connector-social:publish_post failed: NH_TOOL_DENIED: publishing needs approval');
  });

  it('reports estimated usage (chars/4) through onUsage', async () => {
    const reports: LlmUsageReport[] = [];
    const llm = createLlm({ provider: 'offline' }, { onUsage: (u) => void reports.push(u) });
    const prompt = 'Write a tweet about our spring sale';
    const r = await llm.generate({ prompt });
    expect(r.usage.inputTokens).toBe(Math.ceil(prompt.length / 4));
    expect(r.usage.outputTokens).toBe(Math.ceil(r.text.length / 4));
    expect(r.usage.totalTokens).toBe(r.usage.inputTokens + r.usage.outputTokens);
    const s = llm.stream({ prompt });
    for await (const _ of s) {
      // drain
    }
    await s.result;
    expect(reports.map((u) => [u.provider, u.model, u.inputTokens, u.outputTokens, u.offline, u.mode])).toEqual([
      ['offline', 'neonhub-offline-1', r.usage.inputTokens, r.usage.outputTokens, true, 'generate'],
      ['offline', 'neonhub-offline-1', r.usage.inputTokens, r.usage.outputTokens, true, 'stream'],
    ]);
    expect(reports[0]!.durationMs).toBeGreaterThanOrEqual(0);
  });

  it('stops at maxOutputTokens with finishReason length', async () => {
    const r = await createLlm({ provider: 'offline', maxOutputTokens: 10 }).generate({ prompt: 'Write a blog post about neon' });
    expect(r.finishReason).toBe('length');
    expect(r.text).toHaveLength(40);
    expect(r.text.startsWith(OFFLINE_LABEL)).toBe(true);
  });

  it('honours an aborted signal', async () => {
    const controller = new AbortController();
    controller.abort();
    await expectNeonHubError(createLlm().generate({ prompt: 'hi', signal: controller.signal }), 'NH_LLM_ABORTED');
    const s = createLlm().stream({ prompt: 'hi', signal: controller.signal });
    await expectNeonHubError(s.result, 'NH_LLM_ABORTED');
  });

  it('aborts the call when the reader stops early', async () => {
    const s = createLlm().stream({ prompt: 'Write a blog post about neon signs for small shops' });
    const seen: string[] = [];
    for await (const d of s) {
      seen.push(d);
      if (seen.length === 2) break;
    }
    expect(seen[0]).toBe('[offline ');
    await expectNeonHubError(s.result, 'NH_LLM_ABORTED');
  });

  it('is a LanguageModelV3 that plain generateText can drive', async () => {
    const model = new OfflineLanguageModel();
    expect(model.specificationVersion).toBe('v3');
    const r = await generateText({ model, prompt: 'Plan a product launch' });
    expect(r.text.startsWith(`${OFFLINE_LABEL} Draft plan`)).toBe(true);
    expect(r.usage.inputTokens).toBe(Math.ceil('Plan a product launch'.length / 4));
  });
});
