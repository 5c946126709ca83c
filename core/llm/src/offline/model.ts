import { createHash } from 'node:crypto';
import type {
  LanguageModelV3,
  LanguageModelV3CallOptions,
  LanguageModelV3Content,
  LanguageModelV3FunctionTool,
  LanguageModelV3GenerateResult,
  LanguageModelV3StreamPart,
  LanguageModelV3StreamResult,
  LanguageModelV3Usage,
} from '@ai-sdk/provider';
import { DEFAULT_MODELS } from '../config.js';
import { analyzePrompt } from './analyze.js';
import { renderDraft, renderToolPreamble, renderToolSummary } from './templates.js';
import { chunkText, estimateTokens, stableJson } from './text.js';
import { buildToolInput, pickTools } from './tool-rules.js';

export const OFFLINE_PROVIDER_ID = 'neonhub.offline';

interface Planned {
  text: string;
  toolCalls: Array<{ toolCallId: string; toolName: string; input: string }>;
  finish: 'stop' | 'length' | 'tool-calls';
  usage: LanguageModelV3Usage;
  id: string;
}

function usageOf(input: number, output: number): LanguageModelV3Usage {
  return {
    inputTokens: { total: input, noCache: input, cacheRead: 0, cacheWrite: 0 },
    outputTokens: { total: output, text: output, reasoning: 0 },
  };
}

function abortError(): Error {
  const e = new Error('The operation was aborted');
  e.name = 'AbortError';
  return e;
}

/**
 * NeonHub's embedded model: deterministic, offline, and honest about it. It implements the
 * `ai` SDK's LanguageModelV3 spec, so `generateText`/`streamText` drive it exactly like a real
 * provider (tool loop included). Same prompt and tools → the same bytes, every time.
 */
export class OfflineLanguageModel implements LanguageModelV3 {
  readonly specificationVersion = 'v3' as const;
  readonly provider = OFFLINE_PROVIDER_ID;
  readonly modelId: string;
  readonly supportedUrls: Record<string, RegExp[]> = {};

  constructor(modelId: string = DEFAULT_MODELS.offline) {
    this.modelId = modelId;
  }

  /** Decides the whole answer up front; generate returns it, stream replays it in word-sized deltas. */
  plan(options: LanguageModelV3CallOptions): Planned {
    const facts = analyzePrompt(options.prompt);
    const tools = (options.tools ?? []).filter((t): t is LanguageModelV3FunctionTool => t.type === 'function');
    const toolText = tools.map((t) => `${t.name} ${t.description ?? ''} ${stableJson(t.inputSchema)}`).join('\n');
    const inputTokens = estimateTokens(`${facts.allText}\n${toolText}`);
    const id = `offline-${createHash('sha256').update(stableJson(options.prompt)).update(toolText).digest('hex').slice(0, 16)}`;

    const picks = facts.toolResults.length === 0 && facts.step === 0 ? pickTools(facts.task, tools, options.toolChoice) : [];
    if (picks.length > 0) {
      const toolCalls = picks.map((p, i) => ({
        toolCallId: `call_${id.slice(8)}_${i}`,
        toolName: p.tool.name,
        input: JSON.stringify(buildToolInput(p.tool.inputSchema as Record<string, unknown>, facts)),
      }));
      const text = renderToolPreamble(toolCalls.map((c) => c.toolName));
      const outputTokens = estimateTokens(text + toolCalls.map((c) => c.toolName + c.input).join(''));
      return { text, toolCalls, finish: 'tool-calls', usage: usageOf(inputTokens, outputTokens), id };
    }

    let text = facts.toolResults.length > 0 ? renderToolSummary(facts) : renderDraft(facts);
    let finish: Planned['finish'] = 'stop';
    if (options.maxOutputTokens !== undefined && estimateTokens(text) > options.maxOutputTokens) {
      text = text.slice(0, options.maxOutputTokens * 4);
      finish = 'length';
    }
    return { text, toolCalls: [], finish, usage: usageOf(inputTokens, estimateTokens(text)), id };
  }

  async doGenerate(options: LanguageModelV3CallOptions): Promise<LanguageModelV3GenerateResult> {
    if (options.abortSignal?.aborted) throw abortError();
    const p = this.plan(options);
    const content: LanguageModelV3Content[] = [];
    if (p.text.length > 0) content.push({ type: 'text', text: p.text });
    for (const c of p.toolCalls) content.push({ type: 'tool-call', ...c });
    return {
      content,
      finishReason: { unified: p.finish, raw: p.finish },
      usage: p.usage,
      response: { id: p.id, modelId: this.modelId, timestamp: new Date(0) },
      providerMetadata: { neonhub: { offline: true } },
      warnings: [],
    };
  }

  async doStream(options: LanguageModelV3CallOptions): Promise<LanguageModelV3StreamResult> {
    if (options.abortSignal?.aborted) throw abortError();
    const p = this.plan(options);
    const parts: LanguageModelV3StreamPart[] = [
      { type: 'stream-start', warnings: [] },
      { type: 'response-metadata', id: p.id, modelId: this.modelId, timestamp: new Date(0) },
    ];
    if (p.text.length > 0) {
      parts.push({ type: 'text-start', id: 'text-0' });
      for (const delta of chunkText(p.text)) parts.push({ type: 'text-delta', id: 'text-0', delta });
      parts.push({ type: 'text-end', id: 'text-0' });
    }
    for (const c of p.toolCalls) {
      parts.push({ type: 'tool-input-start', id: c.toolCallId, toolName: c.toolName });
      parts.push({ type: 'tool-input-delta', id: c.toolCallId, delta: c.input });
      parts.push({ type: 'tool-input-end', id: c.toolCallId });
      parts.push({ type: 'tool-call', ...c });
    }
    parts.push({
      type: 'finish',
      finishReason: { unified: p.finish, raw: p.finish },
      usage: p.usage,
      providerMetadata: { neonhub: { offline: true } },
    });
    const signal = options.abortSignal;
    let i = 0;
    const stream = new ReadableStream<LanguageModelV3StreamPart>({
      pull(controller) {
        if (signal?.aborted) {
          controller.error(abortError());
          return;
        }
        const part = parts[i++];
        if (part === undefined) controller.close();
        else controller.enqueue(part);
      },
    });
    return { stream };
  }
}

export function createOfflineModel(modelId?: string): OfflineLanguageModel {
  return new OfflineLanguageModel(modelId);
}
