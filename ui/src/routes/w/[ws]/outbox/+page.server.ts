import { OutboxStatusSchema } from '@neonhub/schemas';
import { api, callAction } from '$lib/server/api';
import { guardedActions, orError } from '$lib/server/guard';
import { shellOf } from '$lib/server/shell';
import type { Actions, PageServerLoad } from './$types';

/** The workspace's outbox (docs/outbox.md): what was sent, what is on its way, what could not be delivered. */
export const load: PageServerLoad = async (event) => {
  const status = OutboxStatusSchema.safeParse(event.url.searchParams.get('status') ?? undefined).data;
  const [r, { timeZone, plugins }] = await Promise.all([
    api(event).request('listOutbox', { params: { ws: event.params.ws }, query: { limit: 100, ...(status ? { status } : {}) } }),
    shellOf(event, event.params.ws),
  ]);
  // the connectors by their manifests' names (the page never shows a plugin's id)
  return { ...orError(r), status: status ?? null, timeZone, connectors: plugins.map((p) => ({ id: p.id, name: p.name })) };
};

export const actions = guardedActions({
  /** An admin sends a dead (or cancelled) message again, with its idempotency key. */
  retry: (event) =>
    callAction(
      event,
      'retryOutboxMessage',
      (id) => ({ params: { ws: event.params.ws, id } }),
      (d) => ({ retried: d.message.id }),
    ),
  cancel: (event) =>
    callAction(
      event,
      'cancelOutboxMessage',
      (id) => ({ params: { ws: event.params.ws, id } }),
      (d) => ({ cancelled: d.message.id }),
    ),
}) satisfies Actions;
