import { api, enc } from '$lib/server/api';
import { failWith, orError, text } from '$lib/server/guard';
import type { Actions, PageServerLoad } from './$types';

/** What the host shows of a workspace's model (never the key). */
type LlmView = {
  source: 'workspace' | 'host';
  provider: string;
  model: string;
  baseURL?: string;
  api?: 'chat' | 'responses';
  hasApiKey: boolean;
};

const path = (ws: string) => `/api/workspaces/${enc(ws)}/llm`;

export const load: PageServerLoad = async (event) => ({
  llm: orError(await api(event).get<{ llm: LlmView }>(path(event.params.ws))).llm,
});

export const actions: Actions = {
  /** Saves the settings; an empty key field keeps the stored key (while the provider stays the same). */
  save: async (event) => {
    const form = await event.request.formData();
    const provider = text(form, 'provider');
    const body = {
      provider,
      ...(text(form, 'model') ? { model: text(form, 'model') } : {}),
      ...(text(form, 'baseURL') ? { baseURL: text(form, 'baseURL') } : {}),
      ...(provider === 'openai' && text(form, 'api') ? { api: text(form, 'api') } : {}),
      ...(text(form, 'apiKey') ? { apiKey: text(form, 'apiKey') } : {}),
    };
    const r = await api(event).put<{ llm: LlmView }>(path(event.params.ws), body);
    if (!r.ok) return failWith(r);
    return { saved: true };
  },
  clear: async (event) => {
    const r = await api(event).del<{ llm: LlmView }>(path(event.params.ws));
    if (!r.ok) return failWith(r);
    return { cleared: true };
  },
};
