import { RoleSchema } from '@neonhub/schemas';
import { fail } from '@sveltejs/kit';
import { DOC_EXAMPLE } from '$lib/mcp-configs';
import { api } from '$lib/server/api';
import { failWith, guardedActions, orError, requireWorkspace, text } from '$lib/server/guard';
import { shellOf } from '$lib/server/shell';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => ({
  // listing tokens needs admin: others see none (and may still read the MCP configs)
  tokens: ['admin', 'owner'].includes(requireWorkspace(event.locals, event.params.ws).role)
    ? orError(await api(event).request('listTokens', { params: { ws: event.params.ws } })).tokens
    : [],
  timeZone: (await shellOf(event, event.params.ws)).timeZone,
  mcpUrl: `${event.url.origin}/mcp`,
  // the console runs inside the host process: the stdio configs start this Node with this checkout's CLI
  node: process.execPath,
  bin: process.env.NEONHUB_BIN ?? DOC_EXAMPLE.bin,
});

export const actions = guardedActions({
  /** The token is returned once, in this response only; the host keeps its SHA-256. */
  create: async (event) => {
    const form = await event.request.formData();
    const role = RoleSchema.safeParse(text(form, 'role') || 'member').data;
    if (!role) return fail(400, { error: 'Pick a role from the list.' });
    const r = await api(event).request('createToken', { params: { ws: event.params.ws }, body: { name: text(form, 'name'), role } });
    if (!r.ok) return failWith(r);
    return { created: { token: r.data.token, name: r.data.info.name, role: r.data.info.role } };
  },
  revoke: async (event) => {
    const form = await event.request.formData();
    const r = await api(event).request('revokeToken', { params: { ws: event.params.ws, id: text(form, 'id') } });
    if (!r.ok) return failWith(r);
    return { revoked: true };
  },
}) satisfies Actions;
