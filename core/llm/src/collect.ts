import type { LanguageModelUsage, StepResult, ToolSet } from 'ai';
import type { LlmToolCall, LlmUsage } from './types.js';

export function toUsage(u: LanguageModelUsage | undefined): LlmUsage {
  const inputTokens = u?.inputTokens ?? 0;
  const outputTokens = u?.outputTokens ?? 0;
  return { inputTokens, outputTokens, totalTokens: u?.totalTokens ?? inputTokens + outputTokens };
}

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : typeof e === 'string' ? e : JSON.stringify(e);
}

/** Every tool call of every step, in order, with its output or error, under NeonHub names. */
export function collectToolCalls(steps: ReadonlyArray<StepResult<ToolSet>>, toNeonHub: (name: string) => string): LlmToolCall[] {
  const calls: LlmToolCall[] = [];
  const byId = new Map<string, LlmToolCall>();
  steps.forEach((step, index) => {
    for (const part of step.content) {
      if (part.type === 'tool-call') {
        const call: LlmToolCall = {
          id: part.toolCallId,
          name: toNeonHub(part.toolName),
          providerName: part.toolName,
          input: part.input,
          step: index,
        };
        if ('invalid' in part && part.invalid) call.error = errorText(part.error);
        calls.push(call);
        byId.set(part.toolCallId, call);
      } else if (part.type === 'tool-result') {
        const call = byId.get(part.toolCallId);
        if (call) call.output = part.output;
      } else if (part.type === 'tool-error') {
        const call = byId.get(part.toolCallId);
        if (call) call.error = errorText(part.error);
      }
    }
  });
  return calls;
}
