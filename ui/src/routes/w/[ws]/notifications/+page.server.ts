import { fail } from '@sveltejs/kit';
import { api } from '$lib/server/api';
import { failWith, guardedActions, orError, requireWorkspace, text } from '$lib/server/guard';
import { keptNotifications, notificationsErrorField } from '$lib/settings-forms';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
  const ws = requireWorkspace(event.locals, event.params.ws);
  return {
    prefs: orError(await api(event).request('getNotificationPrefs', { params: { ws: ws.slug } })),
    email: event.locals.user?.email ?? '',
  };
};

export const actions = guardedActions({
  /** Saves how the signed-in person hears that something waits for them here; a refusal keeps what was sent (`kept`). */
  save: async (event) => {
    const form = await event.request.formData();
    const kept = keptNotifications(form);
    const via = text(form, 'via');
    if (via !== 'in_app' && via !== 'email' && via !== 'slack')
      return fail(400, { error: 'Pick how you want to hear of it.', field: 'via' as const, kept });
    const slackChannel = text(form, 'slackChannel');
    const r = await api(event).request('setNotificationPrefs', {
      params: { ws: event.params.ws },
      body: { via, ...(via === 'slack' && slackChannel ? { slackChannel } : {}) },
    });
    if (!r.ok) return failWith(r, { kept, field: notificationsErrorField(r.error) });
    return { saved: r.data.via };
  },
}) satisfies Actions;
