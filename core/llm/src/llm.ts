import type { LanguageModelV3 } from '@ai-sdk/provider';
import type { NeonHubError } from '@neonhub/schemas';
import { generateText, type ModelMessage, stepCountIs, streamText } from 'ai';
import { Channel } from './channel.js';
import { collectToolCalls, toUsage } from './collect.js';
import { type LlmConfig, type LlmConfigInput, LlmConfigSchema } from './config.js';
import { llmErrors } from './errors.js';
import { toLlmError } from './provider-errors.js';
import { createLanguageModel, type ProviderOptions, resolveModelId } from './providers.js';
import { toSdkTools } from './sdk-tools.js';
import type { Llm, LlmCallInput, LlmFinishReason, LlmResult, LlmStream, LlmUsageReport } from './types.js';
import { LlmMessageSchema } from './types.js';

export const DEFAULT_MAX_STEPS = 5;

export interface CreateLlmOptions extends ProviderOptions {
  /** Called after every successful generate/stream with the tokens spent (summed over the tool loop). */
  onUsage?: (report: LlmUsageReport) => void | Promise<void>;
  /** Where a throwing `onUsage` is reported (default: `process.emitWarning`). It never fails the call. */
  onUsageError?: (error: unknown) => void;
  /** Use this model instead of the one the config names (custom providers, tests). */
  languageModel?: LanguageModelV3;
}

export function parseLlmConfig(config: LlmConfigInput): LlmConfig {
  const parsed = LlmConfigSchema.safeParse(config);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
    throw llmErrors.create(
      'NH_LLM_CONFIG_INVALID',
      `invalid LLM config: ${issues.map((i) => `${i.path || '(config)'}: ${i.message}`).join('; ')}`,
      {
        details: { issues },
      },
    );
  }
  return parsed.data;
}

function checkInput(input: LlmCallInput): void {
  const hasPrompt = typeof input.prompt === 'string';
  const hasMessages = Array.isArray(input.messages);
  if (hasPrompt === hasMessages) {
    throw llmErrors.create('NH_LLM_BAD_REQUEST', 'pass exactly one of prompt and messages');
  }
  if (hasMessages) {
    const parsed = LlmMessageSchema.array().min(1).safeParse(input.messages);
    if (!parsed.success) throw llmErrors.create('NH_LLM_BAD_REQUEST', `invalid messages: ${parsed.error.message}`);
  }
  if (input.maxSteps !== undefined && (!Number.isInteger(input.maxSteps) || input.maxSteps < 1 || input.maxSteps > 50)) {
    throw llmErrors.create('NH_LLM_BAD_REQUEST', 'maxSteps must be an integer from 1 to 50', { details: { maxSteps: input.maxSteps } });
  }
}

/**
 * One LLM interface over every provider. `createLlm()` with no config is the offline model.
 * Throws NH_LLM_CONFIG_INVALID at once for a bad or incomplete config (missing key, model, baseURL).
 */
export function createLlm(configInput: LlmConfigInput = { provider: 'offline' }, options: CreateLlmOptions = {}): Llm {
  const config = parseLlmConfig(configInput);
  const model = options.languageModel ?? createLanguageModel(config, options);
  const modelId = options.languageModel?.modelId ?? resolveModelId(config);
  const provider = config.provider;
  const offline = provider === 'offline';
  const ctx = { provider, model: modelId };

  function prepare(input: LlmCallInput) {
    checkInput(input);
    const sdk = toSdkTools(input.tools);
    const base = {
      model,
      system: input.system,
      tools: sdk.tools,
      stopWhen: stepCountIs(input.maxSteps ?? DEFAULT_MAX_STEPS),
      maxRetries: config.maxRetries,
      temperature: input.temperature ?? config.temperature,
      maxOutputTokens: input.maxOutputTokens ?? config.maxOutputTokens,
      abortSignal: input.signal,
    };
    const prompt =
      input.messages !== undefined
        ? { messages: input.messages.map((m) => ({ role: m.role, content: m.content }) as ModelMessage) }
        : { prompt: input.prompt as string };
    return { args: { ...base, ...prompt }, toNeonHub: sdk.toNeonHub };
  }

  async function report(result: LlmResult, startedAt: number, mode: 'generate' | 'stream'): Promise<void> {
    if (!options.onUsage) return;
    try {
      await options.onUsage({
        provider,
        model: result.model,
        inputTokens: result.usage.inputTokens,
        outputTokens: result.usage.outputTokens,
        totalTokens: result.usage.totalTokens,
        durationMs: performance.now() - startedAt,
        offline,
        steps: result.steps,
        mode,
      });
    } catch (e) {
      (options.onUsageError ?? ((err: unknown) => process.emitWarning(`onUsage failed: ${String(err)}`, 'NeonHubLlmUsage')))(e);
    }
  }

  return {
    provider,
    model: modelId,
    offline,

    async generate(input) {
      const startedAt = performance.now();
      const { args, toNeonHub } = prepare(input);
      let r: Awaited<ReturnType<typeof generateText>>;
      try {
        r = await generateText(args);
      } catch (e) {
        throw toLlmError(e, ctx);
      }
      const result: LlmResult = {
        text: r.text,
        toolCalls: collectToolCalls(r.steps, toNeonHub),
        usage: toUsage(r.totalUsage),
        model: r.response.modelId || modelId,
        provider,
        offline,
        finishReason: r.finishReason as LlmFinishReason,
        steps: r.steps.length,
      };
      await report(result, startedAt, 'generate');
      return result;
    },

    stream(input) {
      const startedAt = performance.now();
      const { args, toNeonHub } = prepare(input);
      const internal = new AbortController();
      const onOuterAbort = () => internal.abort(input.signal?.reason);
      if (input.signal?.aborted) internal.abort(input.signal.reason);
      else input.signal?.addEventListener('abort', onOuterAbort, { once: true });
      const deltas = new Channel<string>(() => internal.abort());

      const run = async (): Promise<LlmResult> => {
        try {
          const r = streamText({ ...args, abortSignal: internal.signal, onError: () => {} });
          for await (const part of r.fullStream) {
            if (part.type === 'text-delta' && part.text.length > 0) deltas.push(part.text);
            else if (part.type === 'error') throw part.error;
            else if (part.type === 'abort') throw Object.assign(new Error(part.reason ?? 'aborted'), { name: 'AbortError' });
          }
          const [steps, usage, finishReason, response, text] = await Promise.all([
            r.steps,
            r.totalUsage,
            r.finishReason,
            r.response,
            r.text,
          ]);
          const result: LlmResult = {
            text,
            toolCalls: collectToolCalls(steps, toNeonHub),
            usage: toUsage(usage),
            model: response.modelId || modelId,
            provider,
            offline,
            finishReason: finishReason as LlmFinishReason,
            steps: steps.length,
          };
          deltas.end();
          await report(result, startedAt, 'stream');
          return result;
        } catch (e) {
          const error: NeonHubError = toLlmError(e, ctx);
          deltas.fail(error);
          throw error;
        } finally {
          input.signal?.removeEventListener('abort', onOuterAbort);
        }
      };
      const result = run();
      // Readers that only iterate still see the error; keep an unread result from crashing the process.
      result.catch(() => {});
      const stream: LlmStream = {
        result,
        [Symbol.asyncIterator]: () => deltas[Symbol.asyncIterator](),
      };
      return stream;
    },
  };
}
