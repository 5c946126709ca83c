import { OutboxStatusSchema } from '@neonhub/schemas';
import { api } from '$lib/server/api';
import { failWith, orError, requireWorkspace, text } from '$lib/server/guard';
import type { Actions, PageServerLoad } from './$types';

/** The workspace's outbox (docs/outbox.md): what was sent, what is on its way, what could not be delivered. */
export const load: PageServerLoad = async (event) => {
  const status = OutboxStatusSchema.safeParse(event.url.searchParams.get('status') ?? undefined).data;
  const r = orError(
    await api(event).request('listOutbox', { params: { ws: event.params.ws }, query: { limit: 100, ...(status ? { status } : {}) } }),
  );
  return { ...r, status: status ?? null };
};

export const actions: Actions = {
  /** An admin sends a dead (or cancelled) message again, with its idempotency key. */
  retry: async (event) => {
    requireWorkspace(event.locals, event.params.ws ?? ''); // a visitor without this workspace gets 404, nothing runs
    const form = await event.request.formData();
    const r = await api(event).request('retryOutboxMessage', { params: { ws: event.params.ws, id: text(form, 'id') } });
    if (!r.ok) return failWith(r);
    return { retried: r.data.message.id };
  },
  cancel: async (event) => {
    requireWorkspace(event.locals, event.params.ws ?? ''); // a visitor without this workspace gets 404, nothing runs
    const form = await event.request.formData();
    const r = await api(event).request('cancelOutboxMessage', { params: { ws: event.params.ws, id: text(form, 'id') } });
    if (!r.ok) return failWith(r);
    return { cancelled: r.data.message.id };
  },
};
