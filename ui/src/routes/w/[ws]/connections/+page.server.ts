import { fail, redirect } from '@sveltejs/kit';
import { api, callAction } from '$lib/server/api';
import { failWith, guardedActions, orError, text } from '$lib/server/guard';
import { shellOf } from '$lib/server/shell';
import type { Actions, PageServerLoad } from './$types';

/** The workspace's connected accounts (docs/connectors.md, "Connected accounts"): status and last error, never a secret. */
export const load: PageServerLoad = async (event) => {
  const [r, { timeZone }] = await Promise.all([
    api(event).request('listConnections', { params: { ws: event.params.ws } }),
    shellOf(event, event.params.ws),
  ]);
  return {
    ...orError(r),
    timeZone,
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

export const actions = guardedActions({
  /** Connect an account with the connector's API-key fields. */
  add: async (event) => {
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
  revoke: (event) =>
    callAction(
      event,
      'revokeConnection',
      (connection) => ({ params: { ws: event.params.ws, connection } }),
      (d) => ({
        revoked: d.connection.label,
      }),
    ),
  remove: (event) =>
    callAction(
      event,
      'removeConnection',
      (connection) => ({ params: { ws: event.params.ws, connection } }),
      () => ({ removed: true }),
    ),
  makeDefault: (event) =>
    callAction(
      event,
      'updateConnection',
      (connection) => ({ params: { ws: event.params.ws, connection }, body: { default: true as const } }),
      (d) => ({ madeDefault: d.connection.label }),
    ),
  test: async (event) => {
    const form = await event.request.formData();
    const r = await api(event).request('testConnection', { params: { ws: event.params.ws, connection: text(form, 'id') } });
    if (!r.ok) return failWith(r);
    if (!r.data.ok) return fail(422, { tested: r.data });
    return { tested: r.data };
  },
}) satisfies Actions;
