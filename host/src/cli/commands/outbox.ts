import type { OutboxMessageView, OutboxStatus } from '@neonhub/schemas';
import { OutboxStatusSchema } from '@neonhub/schemas';
import pc from 'picocolors';
import { hostErrors } from '../../errors.js';
import { createOutboxAdmin, type OutboxAdmin } from '../../outbox/admin.js';
import { withStorage } from '../context.js';
import { out } from '../output.js';
import { hostApi, runningHost } from '../running-host.js';

/**
 * `neonhub outbox list|show|retry|cancel` (docs/outbox.md): through the running host's API while `neonhub start`
 * holds the embedded database, else on the database directly (the running host's dispatcher, or the next one to
 * start, delivers what is retried).
 */
type Opts = { workspace: string; json?: boolean };

/** Without a running host: the outbox rows alone (no host, plugins or dispatcher; a host's sweep sends what is retried). */
const viaStorage = <T>(purpose: string, fn: (outbox: OutboxAdmin, workspaceId: string) => Promise<T>, workspace: string) =>
  withStorage({ purpose }, async (storage) =>
    fn(createOutboxAdmin({ db: storage.db }), (await storage.service.resolveWorkspace(workspace)).id),
  );

const color = (s: string) =>
  s === 'delivered'
    ? pc.green(s)
    : s === 'dead'
      ? pc.red(s)
      : s === 'retrying' || s === 'sending'
        ? pc.yellow(s)
        : s === 'cancelled'
          ? pc.dim(s)
          : s;

function printList(messages: OutboxMessageView[], counts: Record<string, number>) {
  out.line(
    Object.entries(counts)
      .map(([s, n]) => `${color(s)} ${n}`)
      .join('  ') || 'the outbox is empty',
  );
  out.table(
    messages.map((m) => ({
      id: m.id,
      status: m.status,
      tool: m.tool,
      to: m.recipients.slice(0, 2).join(', ') + (m.recipients.length > 2 ? ` +${m.recipients.length - 2}` : ''),
      attempts: m.attempts,
      'last error': m.lastError ? `${m.lastError.code}: ${m.lastError.message}`.slice(0, 80) : '',
      created: m.createdAt.slice(0, 19).replace('T', ' '),
    })),
    ['id', 'status', 'tool', 'to', 'attempts', 'last error', 'created'],
  );
}

export async function list(opts: Opts & { status?: string; limit?: string }) {
  const status = opts.status ? OutboxStatusSchema.safeParse(opts.status) : undefined;
  if (status && !status.success)
    throw hostErrors.create('NH_REQUEST_INVALID', `--status must be one of ${OutboxStatusSchema.options.join(', ')}`);
  const limit = opts.limit ? Number(opts.limit) : 50;
  if (!Number.isInteger(limit) || limit < 1 || limit > 500) throw hostErrors.create('NH_REQUEST_INVALID', '--limit must be 1-500');
  const query = { limit, ...(status?.data ? { status: status.data as OutboxStatus } : {}) };
  const running = runningHost();
  const r = running
    ? await hostApi(running, 'listOutbox', { params: { ws: opts.workspace }, query })
    : await viaStorage('neonhub outbox list', (o, ws) => o.list(ws, query), opts.workspace);
  if (opts.json) return out.json(r);
  printList(r.messages, r.counts);
}

export async function show(id: string, opts: Opts) {
  const running = runningHost();
  const r = running
    ? (await hostApi(running, 'getOutboxMessage', { params: { ws: opts.workspace, id } })).message
    : await viaStorage('neonhub outbox show', (o, ws) => o.get(ws, id), opts.workspace);
  out.json(r);
}

export async function retry(id: string, opts: Opts) {
  const running = runningHost();
  const m = running
    ? (await hostApi(running, 'retryOutboxMessage', { params: { ws: opts.workspace, id } })).message
    : await viaStorage('neonhub outbox retry', (o, ws) => o.retry(ws, id), opts.workspace);
  if (opts.json) return out.json(m);
  out.ok(`outbox message ${m.id} is ${m.status} again; the dispatcher sends it with its idempotency key ${m.idempotencyKey}`);
}

export async function cancel(id: string, opts: Opts) {
  const running = runningHost();
  const m = running
    ? (await hostApi(running, 'cancelOutboxMessage', { params: { ws: opts.workspace, id } })).message
    : await viaStorage('neonhub outbox cancel', (o, ws) => o.cancel(ws, id), opts.workspace);
  if (opts.json) return out.json(m);
  out.ok(`outbox message ${m.id} is cancelled; it will not be sent`);
}
