import type { Actor, Role, SideEffect } from '@neonhub/schemas';
import type { z } from 'zod';

export interface Logger {
  debug(obj: object | string, msg?: string): void;
  info(obj: object | string, msg?: string): void;
  warn(obj: object | string, msg?: string): void;
  error(obj: object | string, msg?: string): void;
}

/** What a tool's `run` receives besides its input: only what the manifest grants. */
export interface ToolContext {
  workspace: { id: string; slug: string };
  actor: Actor;
  /** This plugin's per-workspace config, validated against the manifest's config schema. */
  config: Record<string, unknown>;
  /** Secrets by declared name; undeclared names throw NH_SDK_SECRET_UNDECLARED. */
  secrets: { get(name: string): Promise<string | undefined> };
  logger: Logger;
  /** `fetch` that refuses hosts the manifest did not declare (NH_SDK_HOST_NOT_ALLOWED). */
  fetch: typeof fetch;
  /** Stable per logical call: a retry of the same call carries the same key. */
  idempotencyKey: string;
  callId: string;
  signal: AbortSignal;
  /** Calls another tool through the host pipeline; the target plugin must be a declared dependency. */
  callTool(tool: string, input: unknown): Promise<unknown>;
}

export interface ToolSpec<I extends z.ZodType = z.ZodType, O extends z.ZodType = z.ZodType> {
  name: string;
  description: string;
  input: I;
  output: O;
  sideEffect: SideEffect;
  timeoutMs?: number;
  run(input: z.output<I>, ctx: ToolContext): Promise<z.input<O>> | z.input<O>;
}

export interface ToolCallEvent {
  callId: string;
  workspace: { id: string; slug: string };
  actor: Actor;
  plugin: string;
  /** Qualified name, `plugin-id:tool_name`. */
  tool: string;
  sideEffect: SideEffect;
  input: unknown;
  idempotencyKey: string;
  /** Set when the call is the execution of an approval that was granted. */
  approvalId?: string;
}

export type HookDecision = { action: 'allow' } | { action: 'deny'; reason: string; code?: string } | { action: 'approval'; reason: string };

export interface AfterToolCallEvent extends ToolCallEvent {
  status: 'ok' | 'error' | 'denied' | 'pending_approval';
  output?: unknown;
  error?: { code: string; message: string };
  durationMs: number;
}

/** Context a hook receives: its own plugin's config and secrets for the workspace of the call. */
export interface HookContext {
  config: Record<string, unknown>;
  secrets: ToolContext['secrets'];
  logger: Logger;
  callTool: ToolContext['callTool'];
}

export interface PluginHooks {
  beforeToolCall?(event: ToolCallEvent, ctx: HookContext): Promise<HookDecision | undefined | void> | HookDecision | undefined | void;
  afterToolCall?(event: AfterToolCallEvent, ctx: HookContext): Promise<void> | void;
}

export interface PluginDefinition {
  /** Must equal the manifest's id. */
  id: string;
  tools: ToolSpec[];
  hooks?: PluginHooks;
}

export type { Role };
