import type { OutboxErrorJson, OutboxRecipientsTable, Selectable } from '@neonhub/db';
import { NeonHubError, type OutboxMessageDetail, type OutboxMessageView } from '@neonhub/schemas';
import type { OutboxRow } from './store.js';

const iso = (d: Date | string | null) => (d === null ? null : new Date(d).toISOString());

/** Who or what a send goes to, read from its input: `to` (e-mail, SMS), else the network or channel posted to. */
export function recipientsOf(input: unknown): string[] {
  if (!input || typeof input !== 'object') return [];
  const v = input as Record<string, unknown>;
  for (const k of ['to', 'recipients', 'recipient', 'phone', 'channel', 'network']) {
    const x = v[k];
    if (typeof x === 'string' && x) return [x.slice(0, 512)];
    if (Array.isArray(x))
      return x
        .filter((e): e is string => typeof e === 'string' && e.length > 0)
        .map((e) => e.slice(0, 512))
        .slice(0, 1000);
  }
  return [];
}

/** The network a post went to, from the social connector contract's `network` input (null for any other send). */
export function networkOf(channel: string | null, input: unknown): string | null {
  if (channel !== 'social' || !input || typeof input !== 'object') return null;
  const n = (input as Record<string, unknown>).network;
  return typeof n === 'string' && n ? n.slice(0, 64) : null;
}

/** The provider's id for a delivered message, from the connector contract's output (messageId / postId). */
export function providerIdOf(output: unknown): string | null {
  if (!output || typeof output !== 'object') return null;
  const o = output as Record<string, unknown>;
  const id = o.messageId ?? o.postId ?? o.id;
  return typeof id === 'string' ? id.slice(0, 512) : null;
}

/** A delivered message's result for a caller that repeats the call: the connector contract's `duplicate` set. */
export function asDuplicate(output: unknown): unknown {
  if (output && typeof output === 'object' && !Array.isArray(output) && typeof (output as { duplicate?: unknown }).duplicate === 'boolean')
    return { ...(output as object), duplicate: true };
  return output;
}

/** The stored error of a dead message, raised again for a caller (same code, status, category and details). */
export function errorFromJson(e: OutboxErrorJson): NeonHubError {
  return new NeonHubError(e.code, e.message, {
    ...(e.status ? { status: e.status } : {}),
    ...(e.category ? { category: e.category as never } : {}),
    ...(e.details !== undefined ? { details: e.details } : {}),
  });
}

export function toView(row: OutboxRow, recipients: string[]): OutboxMessageView {
  return {
    id: row.id,
    workspaceId: row.workspace_id,
    plugin: row.plugin_id,
    tool: row.tool,
    idempotencyKey: row.idempotency_key,
    channel: row.channel,
    network: networkOf(row.channel, row.input),
    connection: row.connection,
    status: row.status,
    attempts: row.attempts,
    failures: row.failures,
    maxAttempts: row.max_attempts,
    nextAttemptAt: row.status === 'queued' || row.status === 'retrying' ? iso(row.next_attempt_at) : null,
    lastError: row.last_error,
    recipients,
    callId: row.call_id,
    approvalId: row.approval_id,
    createdAt: iso(row.created_at)!,
    updatedAt: iso(row.updated_at)!,
    deliveredAt: iso(row.delivered_at),
  };
}

export function toDetail(row: OutboxRow, recipients: Selectable<OutboxRecipientsTable>[]): OutboxMessageDetail {
  return {
    ...toView(
      row,
      recipients.map((r) => r.recipient),
    ),
    input: row.input,
    result: row.result,
    actor: row.actor,
    recipientStatus: recipients.map((r) => ({
      recipient: r.recipient,
      status: r.status,
      providerMessageId: r.provider_message_id,
      detail: r.detail,
      updatedAt: iso(r.updated_at)!,
    })),
  };
}
