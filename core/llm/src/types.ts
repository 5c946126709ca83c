import { z } from 'zod';
import { LlmProviderSchema } from './config.js';

/** A plain chat message; tool traffic inside a call is handled by the tool loop, not by callers. */
export const LlmMessageSchema = z.strictObject({
  role: z.enum(['system', 'user', 'assistant']),
  content: z.string(),
});
export type LlmMessage = z.infer<typeof LlmMessageSchema>;

export const LlmUsageSchema = z.strictObject({
  inputTokens: z.number().int().min(0),
  outputTokens: z.number().int().min(0),
  totalTokens: z.number().int().min(0),
});
export type LlmUsage = z.infer<typeof LlmUsageSchema>;

/** One tool call the model made during the loop, with the NeonHub tool name (`plugin:tool`). */
export const LlmToolCallSchema = z.strictObject({
  id: z.string(),
  name: z.string(),
  /** The name the provider saw (`plugin__tool`). */
  providerName: z.string(),
  input: z.unknown(),
  /** What `execute` returned; absent when it failed or was not run. */
  output: z.unknown().optional(),
  /** Set when the input failed validation or `execute` threw; the model was shown this text. */
  error: z.string().optional(),
  /** 0-based step of the loop in which the model asked for the call. */
  step: z.number().int().min(0),
});
export type LlmToolCall = z.infer<typeof LlmToolCallSchema>;

export const LlmFinishReasonSchema = z.enum(['stop', 'length', 'content-filter', 'tool-calls', 'error', 'other']);
export type LlmFinishReason = z.infer<typeof LlmFinishReasonSchema>;

/** What `generate` returns and what `stream(...).result` resolves to. */
export const LlmResultSchema = z.strictObject({
  text: z.string(),
  toolCalls: z.array(LlmToolCallSchema),
  /** Summed over every step of the tool loop. */
  usage: LlmUsageSchema,
  model: z.string(),
  provider: LlmProviderSchema,
  /** True when the embedded offline model wrote this (its text also starts with `[offline model]`). */
  offline: z.boolean(),
  finishReason: LlmFinishReasonSchema,
  steps: z.number().int().min(1),
});
export type LlmResult = z.infer<typeof LlmResultSchema>;

/** Reported through `onUsage` after every successful generate/stream. */
export const LlmUsageReportSchema = z.strictObject({
  provider: LlmProviderSchema,
  model: z.string(),
  inputTokens: z.number().int().min(0),
  outputTokens: z.number().int().min(0),
  totalTokens: z.number().int().min(0),
  durationMs: z.number().min(0),
  offline: z.boolean(),
  steps: z.number().int().min(1),
  mode: z.enum(['generate', 'stream']),
});
export type LlmUsageReport = z.infer<typeof LlmUsageReportSchema>;

/** A tool offered to the model. `execute` is the host's `callTool`: the adapter runs tools only through it. */
export interface LlmTool {
  description: string;
  /** JSON Schema of the input (type: object). The model's arguments are validated against it before `execute`. */
  inputSchema: Record<string, unknown>;
  execute(input: unknown, ctx: { toolCallId: string; signal?: AbortSignal }): Promise<unknown> | unknown;
}

export interface LlmCallInput {
  system?: string;
  /** Exactly one of `prompt` and `messages`. */
  prompt?: string;
  messages?: LlmMessage[];
  /** Keyed by NeonHub tool name (`plugin-id:tool_name`, or a bare MCP-legal name). */
  tools?: Record<string, LlmTool>;
  /** Upper bound on model calls in the tool loop (default 5; 1 = no loop). */
  maxSteps?: number;
  signal?: AbortSignal;
  temperature?: number;
  maxOutputTokens?: number;
}

/** `for await (const delta of llm.stream(...))` yields text deltas; `.result` resolves when the stream ends. */
export interface LlmStream extends AsyncIterable<string> {
  readonly result: Promise<LlmResult>;
}

export interface Llm {
  readonly provider: z.infer<typeof LlmProviderSchema>;
  readonly model: string;
  readonly offline: boolean;
  generate(input: LlmCallInput): Promise<LlmResult>;
  stream(input: LlmCallInput): LlmStream;
}
