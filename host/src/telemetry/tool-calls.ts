import { ATTR, neonhubMetrics, type ToolCallMetricStatus } from '@neonhub/telemetry';
import { type Span, SpanStatusCode } from '@opentelemetry/api';

const metrics = neonhubMetrics();

/** Identity of a call on its span, set as soon as the pipeline knows them (span is undefined when tracing is off). */
export function describeCallSpan(
  span: Span,
  call: { workspace: { id: string }; callId: string; sideEffect: string; plugin: string; tool: string },
): void {
  span.setAttributes({
    [ATTR.workspaceId]: call.workspace.id,
    [ATTR.callId]: call.callId,
    [ATTR.sideEffect]: call.sideEffect,
    [ATTR.plugin]: call.plugin,
    [ATTR.tool]: call.tool,
  });
}

/**
 * How a call ended: always counted (neonhub.tool.calls, neonhub.tool.duration, workspace-free labels);
 * on the span too when there is one. A denied or failed call marks its span ERROR with the error code.
 */
export function observeToolCall(
  span: Span | undefined,
  tool: string,
  plugin: string,
  status: ToolCallMetricStatus,
  durationMs: number,
  errorCode?: string,
): void {
  metrics.recordToolCall({ tool, plugin, status, durationMs });
  if (!span) return;
  span.setAttribute(ATTR.status, status);
  if (errorCode) span.setAttribute(ATTR.errorCode, errorCode);
  if (status === 'error' || status === 'denied' || status === 'rejected') {
    span.setStatus({ code: SpanStatusCode.ERROR, ...(errorCode ? { message: errorCode } : {}) });
  }
}

/** A call refused before its tool ran (plugin not enabled, invalid input): counted as `rejected`, then thrown. */
export function rejectCall<E extends { code: string }>(
  span: Span | undefined,
  tool: { qualifiedName: string; pluginId: string },
  started: number,
  error: E,
): E {
  observeToolCall(span, tool.qualifiedName, tool.pluginId, 'rejected', performance.now() - started, error.code);
  return error;
}
