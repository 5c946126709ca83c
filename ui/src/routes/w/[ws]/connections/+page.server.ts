import { fail, redirect } from '@sveltejs/kit';
import { api } from '$lib/server/api';
import { failWith, orError, requireWorkspace, text } from '$lib/server/guard';
import type { Actions, PageServerLoad } from './$types';

/** The workspace's connected accounts (docs/connectors.md, "Connected accounts"): status and last error, never a secret. */
export const load: PageServerLoad = async (event) => {
  const r = orError(await api(event).request('listConnections', { params: { ws: event.params.ws } }));
  return {
    ...r,
    connected: event.url.searchParams.get('connected'),
    oauthError: event.url.searchParams.get('error'),
    origin: event.url.origin,
  };
};

/** The `field:<name>` inputs of a form, empty ones left out (a blank secret keeps the stored one). */
function fieldsOf(form: FormData): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const [key, value] of form.entries()) {
    if (key.startsWith('field:') && typeof value === 'string' && value.trim() !== '') fields[key.slice(6)] = value.trim();
  }
  return fields;
}

export const actions: Actions = {
  /** Connect an account with the connector's API-key fields. */
  add: async (event) => {
    requireWorkspace(event.locals, event.params.ws ?? ''); // a visitor without this workspace gets 404, nothing runs
    const form = await event.request.formData();
    const r = await api(event).request('addConnection', {
      params: { ws: event.params.ws },
      body: { plugin: text(form, 'plugin'), label: text(form, 'label'), fields: fieldsOf(form) },
    });
    if (!r.ok) return failWith(r);
    return { added: r.data.connection.label };
  },
  /** Start an OAuth connection: the browser goes to the provider, which sends it back to the host's callback. */
  connect: async (event) => {
    requireWorkspace(event.locals, event.params.ws ?? ''); // a visitor without this workspace gets 404, nothing runs
    const form = await event.request.formData();
    const connection = text(form, 'connection');
    const r = await api(event).request('startConnectionOAuth', {
      params: { ws: event.params.ws },
      body: {
        plugin: text(form, 'plugin'),
        ...(text(form, 'label') ? { label: text(form, 'label') } : {}),
        ...(connection ? { connection } : {}),
        fields: fieldsOf(form),
      },
    });
    if (!r.ok) return failWith(r);
    redirect(303, r.data.authorizeUrl);
  },
  revoke: async (event) => {
    requireWorkspace(event.locals, event.params.ws ?? ''); // a visitor without this workspace gets 404, nothing runs
    const form = await event.request.formData();
    const r = await api(event).request('revokeConnection', { params: { ws: event.params.ws, connection: text(form, 'id') } });
    if (!r.ok) return failWith(r);
    return { revoked: r.data.connection.label };
  },
  remove: async (event) => {
    requireWorkspace(event.locals, event.params.ws ?? ''); // a visitor without this workspace gets 404, nothing runs
    const form = await event.request.formData();
    const r = await api(event).request('removeConnection', { params: { ws: event.params.ws, connection: text(form, 'id') } });
    if (!r.ok) return failWith(r);
    return { removed: true };
  },
  makeDefault: async (event) => {
    requireWorkspace(event.locals, event.params.ws ?? ''); // a visitor without this workspace gets 404, nothing runs
    const form = await event.request.formData();
    const r = await api(event).request('updateConnection', {
      params: { ws: event.params.ws, connection: text(form, 'id') },
      body: { default: true },
    });
    if (!r.ok) return failWith(r);
    return { madeDefault: r.data.connection.label };
  },
  test: async (event) => {
    requireWorkspace(event.locals, event.params.ws ?? ''); // a visitor without this workspace gets 404, nothing runs
    const form = await event.request.formData();
    const r = await api(event).request('testConnection', { params: { ws: event.params.ws, connection: text(form, 'id') } });
    if (!r.ok) return failWith(r);
    if (!r.data.ok) return fail(422, { tested: r.data });
    return { tested: r.data };
  },
};
