import { type Attributes, INVALID_SPAN_CONTEXT, type Span, SpanStatusCode, type Tracer, trace } from '@opentelemetry/api';

/** Span attribute names NeonHub sets (one place, so the docs and the tests agree). */
export const ATTR = {
  tool: 'neonhub.tool',
  plugin: 'neonhub.plugin',
  workspaceId: 'neonhub.workspace.id',
  callId: 'neonhub.call.id',
  status: 'neonhub.status',
  errorCode: 'neonhub.error.code',
  sideEffect: 'neonhub.side_effect',
  runId: 'neonhub.run.id',
  stepId: 'neonhub.step.id',
} as const;

export const TRACER_NAME = 'neonhub';

let tracing = false;
const NOT_RECORDING = trace.wrapSpanContext(INVALID_SPAN_CONTEXT);

/**
 * True once startTelemetry registered a tracer provider (or was told one is registered elsewhere).
 * The pipeline checks it first: with tracing off a tool call creates no span, no context, nothing.
 */
export function isTracing(): boolean {
  return tracing;
}

/** @internal startTelemetry and its shutdown flip it. */
export function setTracing(on: boolean): void {
  tracing = on;
}

export function neonhubTracer(): Tracer {
  return trace.getTracer(TRACER_NAME);
}

function errorCodeOf(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/**
 * Runs `fn` inside an active span (so spans started below it, such as nested tool calls, become its children).
 * A thrown error sets status ERROR, `neonhub.error.code` (when it has a code) and `neonhub.status=error`
 * unless `fn` already set a status. The span always ends.
 */
export function withSpan<T>(name: string, attributes: Attributes, fn: (span: Span) => Promise<T>): Promise<T> {
  return neonhubTracer().startActiveSpan(name, { attributes }, async (span) => {
    try {
      return await fn(span);
    } catch (err) {
      const code = errorCodeOf(err);
      if (code) span.setAttribute(ATTR.errorCode, code);
      span.recordException(err instanceof Error ? err : String(err));
      span.setStatus({ code: SpanStatusCode.ERROR, message: err instanceof Error ? err.message : String(err) });
      throw err;
    } finally {
      span.end();
    }
  });
}

/** `tool.call <plugin:tool>`: the span the host pipeline wraps around one call. */
export function traceToolCall<T>(qualifiedTool: string, fn: (span: Span) => Promise<T>): Promise<T> {
  const plugin = qualifiedTool.slice(0, Math.max(0, qualifiedTool.indexOf(':')));
  return withSpan(`tool.call ${qualifiedTool}`, { [ATTR.tool]: qualifiedTool, [ATTR.plugin]: plugin }, fn);
}

/** `run.step <tool>`: a span around one orchestrator step execution (its tool call becomes a child). */
export function traceRunStep<T>(step: { runId: string; stepId: string; tool?: string }, fn: (span: Span) => Promise<T>): Promise<T> {
  if (!tracing) return fn(NOT_RECORDING);
  return withSpan(
    `run.step ${step.tool ?? step.stepId}`,
    { [ATTR.runId]: step.runId, [ATTR.stepId]: step.stepId, ...(step.tool ? { [ATTR.tool]: step.tool } : {}) },
    fn,
  );
}
