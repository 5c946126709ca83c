import { type CallToolResult, ContentBlockSchema } from '@modelcontextprotocol/sdk/types.js';
import type { NeonHubError } from '@neonhub/schemas';
import { z } from 'zod';

/** `_meta` keys of tools/call results. */
export const RESULT_META_ERROR = 'neonhub/error';
export const RESULT_META_APPROVAL = 'neonhub/approval';
export const RESULT_META_CALL = 'neonhub/callId';

const PassthroughSchema = z.object({ content: z.array(ContentBlockSchema).min(1) }).strict();

const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * A successful output as an MCP result. A tool without an output schema whose output is exactly
 * `{ content: [MCP content blocks] }` (what a mounted MCP server returns when it sends no
 * structured content: images, audio, embedded resources) is passed through unchanged. Any other
 * output is sent as JSON text, plus `structuredContent` when it is an object.
 */
export function okResult(output: unknown, hasOutputSchema: boolean, callId: string): CallToolResult {
  if (!hasOutputSchema) {
    const passthrough = PassthroughSchema.safeParse(output);
    if (passthrough.success)
      return { content: passthrough.data.content as CallToolResult['content'], _meta: { [RESULT_META_CALL]: callId } };
  }
  const text = typeof output === 'string' ? output : (JSON.stringify(output) ?? 'null');
  return {
    content: [{ type: 'text', text }],
    ...(isPlainObject(output) ? { structuredContent: output } : {}),
    _meta: { [RESULT_META_CALL]: callId },
  };
}

/**
 * A NeonHub error as an `isError` result: text `CODE: message`, and `{ error: { code, message } }`
 * as structuredContent. Clients (the official SDK among them) validate structuredContent against
 * the tool's output schema even on error results, so for a tool that has one the error object
 * travels only in `_meta["neonhub/error"]`.
 */
export function errorResult(err: Pick<NeonHubError, 'code' | 'message'>, hasOutputSchema: boolean): CallToolResult {
  const error = { code: err.code, message: err.message };
  return {
    isError: true,
    content: [{ type: 'text', text: `${err.code}: ${err.message}` }],
    ...(hasOutputSchema ? {} : { structuredContent: { error } }),
    _meta: { [RESULT_META_ERROR]: error },
  };
}

export interface PendingApproval {
  callId: string;
  approvalId?: string;
  reason: string;
  plugin: string;
}

/**
 * A call that waits for approval: answered at once, never held open. A normal result with
 * `structuredContent.status = "pending_approval"` for tools without an output schema; for a tool
 * with one (whose clients would reject a non-conforming result) an `isError` result with code
 * NH_MCP_APPROVAL_PENDING. Both carry `_meta["neonhub/approval"]`.
 */
export function pendingApprovalResult(p: PendingApproval, hasOutputSchema: boolean): CallToolResult {
  const approval = {
    status: 'pending_approval' as const,
    callId: p.callId,
    ...(p.approvalId ? { approvalId: p.approvalId } : {}),
    reason: p.reason,
    plugin: p.plugin,
  };
  const text = `NH_MCP_APPROVAL_PENDING: this call needs approval before it runs (${p.reason}; requested by ${p.plugin})${p.approvalId ? `; approval id ${p.approvalId}` : ''}. Nothing was executed; ask a workspace admin to approve it, then call again.`;
  return {
    ...(hasOutputSchema ? { isError: true } : { structuredContent: approval }),
    content: [{ type: 'text', text }],
    _meta: { [RESULT_META_APPROVAL]: approval, [RESULT_META_CALL]: p.callId },
  };
}

export const RESULT_META_OUTBOX = 'neonhub/outbox';

/**
 * An external send written to the outbox whose first attempt did not settle it in time: answered at once (the
 * dispatcher keeps trying). Like a pending approval: `structuredContent.status = "queued"` for tools without an
 * output schema, an `isError` result with code NH_MCP_QUEUED for tools with one; both carry `_meta["neonhub/outbox"]`.
 */
export function queuedResult(
  q: { callId: string; messageId: string; outboxStatus: string; attempts: number; reason: string },
  hasOutputSchema: boolean,
): CallToolResult {
  const outbox = {
    status: 'queued' as const,
    callId: q.callId,
    messageId: q.messageId,
    outboxStatus: q.outboxStatus,
    attempts: q.attempts,
  };
  const text = `NH_MCP_QUEUED: the send is in the outbox as message ${q.messageId} (${q.reason}). Calling again with the same idempotency key reports it as it stands.`;
  return {
    ...(hasOutputSchema ? { isError: true } : { structuredContent: outbox }),
    content: [{ type: 'text', text }],
    _meta: { [RESULT_META_OUTBOX]: outbox, [RESULT_META_CALL]: q.callId },
  };
}
