import { error, fail, redirect } from '@sveltejs/kit';
import { fieldsFromSchema, valuesFromForm } from '$lib/schema-form';
import { api, enc } from '$lib/server/api';
import { failWith, orError, requireWorkspace, text } from '$lib/server/guard';
import { type WorkspacePluginView, workspacePlugins } from '$lib/server/plugins';
import { shellOf } from '$lib/server/shell';
import type { Actions, PageServerLoad } from './$types';

async function pluginsOf(
  event: Parameters<PageServerLoad>[0] | Parameters<Actions[string]>[0],
  fromShell: boolean,
): Promise<WorkspacePluginView[]> {
  const ws = event.params.ws ?? '';
  if (!fromShell) return orError(await workspacePlugins(api(event), ws)).plugins;
  const shell = await shellOf(event, ws);
  if (shell.error) orError(shell.error);
  return shell.plugins;
}

/** The plugin the URL names: a page load reads it from the workspace's shell, an action asks for the list. */
async function plugin(event: Parameters<PageServerLoad>[0] | Parameters<Actions[string]>[0], fromShell = false) {
  const list = await pluginsOf(event, fromShell);
  const found = list.find((p) => p.id === event.params.id);
  if (!found) error(404, { message: `No plugin ${event.params.id} is installed`, code: 'NH_PLUGIN_NOT_FOUND' });
  return found;
}

export const load: PageServerLoad = async (event) => {
  const [p, { timeZone }] = await Promise.all([plugin(event, true), shellOf(event, event.params.ws)]);
  // an outside MCP server behind OAuth: this workspace's grant (any other plugin answers NH_MCP_OAUTH_NOT_OAUTH)
  const oauth = p.runtime === 'mcp' ? await api(event).request('getPluginOAuth', { params: { ws: event.params.ws, id: p.id } }) : undefined;
  return {
    plugin: p,
    timeZone,
    form: fieldsFromSchema(p.configSchema, p.config),
    oauth: oauth?.ok ? oauth.data : null,
    connected: event.url.searchParams.get('connected') === '1',
    oauthError: event.url.searchParams.get('oauth_error'),
  };
};

export const actions: Actions = {
  /** "Connect account": the authorization server's page, which sends the browser back to the host's callback. */
  connect: async (event) => {
    requireWorkspace(event.locals, event.params.ws ?? ''); // a visitor without this workspace gets 404, nothing runs
    const r = await api(event).request('startPluginOAuth', { params: { ws: event.params.ws, id: event.params.id }, body: {} });
    if (!r.ok) return failWith(r);
    if (r.data.status === 'redirect') redirect(303, r.data.authorizeUrl);
    redirect(303, `/w/${enc(event.params.ws)}/plugins/${enc(event.params.id)}?connected=1`);
  },
  disconnect: async (event) => {
    requireWorkspace(event.locals, event.params.ws ?? '');
    const r = await api(event).request('disconnectPluginOAuth', { params: { ws: event.params.ws, id: event.params.id } });
    if (!r.ok) return failWith(r);
    redirect(303, `/w/${enc(event.params.ws)}/plugins/${enc(event.params.id)}`);
  },
  config: async (event) => {
    const p = await plugin(event);
    const form = await event.request.formData();
    const { fields, raw } = fieldsFromSchema(p.configSchema, p.config);
    let config: Record<string, unknown>;
    if (raw) {
      try {
        config = JSON.parse(text(form, 'raw') || '{}');
      } catch {
        return fail(400, { error: 'The config must be valid JSON.' });
      }
    } else {
      const parsed = valuesFromForm(fields, form);
      if (Object.keys(parsed.errors).length) return fail(400, { error: 'Fix the highlighted fields.', fieldErrors: parsed.errors });
      config = parsed.value;
    }
    const r = await api(event).request('setPluginConfig', { params: { ws: event.params.ws, id: p.id }, body: { config } });
    if (!r.ok) return failWith(r);
    redirect(303, `/w/${enc(event.params.ws)}/plugins/${enc(p.id)}?saved=config`);
  },
  /** Credentials are write-only: the value goes to the host, which stores it encrypted; the page shows only "set". */
  secret: async (event) => {
    const p = await plugin(event);
    const form = await event.request.formData();
    const name = text(form, 'name');
    const value = String(form.get('value') ?? '');
    if (!value) return fail(400, { error: 'Enter a value.', secret: name });
    const r = await api(event).request('setPluginSecret', { params: { ws: event.params.ws, id: p.id, name }, body: { value } });
    if (!r.ok) return failWith(r, { secret: name });
    redirect(303, `/w/${enc(event.params.ws)}/plugins/${enc(p.id)}?saved=${enc(name)}`);
  },
};
