import { api, enc } from '$lib/server/api';
import { failWith, orError, text } from '$lib/server/guard';
import type { Actions, PageServerLoad } from './$types';

type TokenInfo = { id: string; name: string; role: string; createdAt: string; lastUsedAt: string | null };

export const load: PageServerLoad = async (event) => ({
  tokens: orError(await api(event).get<{ tokens: TokenInfo[] }>(`/api/workspaces/${enc(event.params.ws)}/tokens`)).tokens,
  mcpUrl: `${event.url.origin}/mcp`,
});

export const actions: Actions = {
  /** The token is returned once, in this response only; the host keeps its SHA-256. */
  create: async (event) => {
    const form = await event.request.formData();
    const r = await api(event).post<{ token: string; info: TokenInfo }>(`/api/workspaces/${enc(event.params.ws)}/tokens`, {
      name: text(form, 'name'),
      role: text(form, 'role') || 'member',
    });
    if (!r.ok) return failWith(r);
    return { created: { token: r.data.token, name: r.data.info.name, role: r.data.info.role } };
  },
  revoke: async (event) => {
    const form = await event.request.formData();
    const r = await api(event).del(`/api/workspaces/${enc(event.params.ws)}/tokens/${enc(text(form, 'id'))}`);
    if (!r.ok) return failWith(r);
    return { revoked: true };
  },
};
