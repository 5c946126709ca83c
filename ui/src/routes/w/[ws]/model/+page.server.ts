import { api } from '$lib/server/api';
import { failWith, guardedActions, orError, text } from '$lib/server/guard';
import { keptModel, modelErrorField } from '$lib/settings-forms';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => ({
  llm: orError(await api(event).request('getLlm', { params: { ws: event.params.ws } })).llm,
});

export const actions = guardedActions({
  /**
   * Saves the settings; an empty key field keeps the stored key (while the provider stays the same). A refusal carries
   * what was sent (`kept`, never the key) and the field it is about, so the page shows them instead of the saved values.
   */
  save: async (event) => {
    const form = await event.request.formData();
    const kept = keptModel(form);
    const provider = text(form, 'provider');
    const body = {
      provider,
      ...(text(form, 'model') ? { model: text(form, 'model') } : {}),
      ...(text(form, 'baseURL') ? { baseURL: text(form, 'baseURL') } : {}),
      ...(provider === 'openai' && text(form, 'api') ? { api: text(form, 'api') } : {}),
      ...(text(form, 'apiKey') ? { apiKey: text(form, 'apiKey') } : {}),
    };
    const r = await api(event).request('setLlm', { params: { ws: event.params.ws }, body });
    if (!r.ok) return failWith(r, { kept, field: modelErrorField(r.error) });
    return { saved: true };
  },
  clear: async (event) => {
    const r = await api(event).request('clearLlm', { params: { ws: event.params.ws } });
    if (!r.ok) return failWith(r);
    return { cleared: true };
  },
}) satisfies Actions;
