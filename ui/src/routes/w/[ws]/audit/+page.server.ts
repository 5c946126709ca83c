import { api, enc } from '$lib/server/api';
import { failWith, orError } from '$lib/server/guard';
import { callCapability, isEnabled } from '$lib/server/plugins';
import type { Actions, PageServerLoad } from './$types';

type Call = {
  callId: string;
  pluginId: string;
  tool: string;
  status: string;
  errorCode: string | null;
  durationMs: number | null;
  createdAt: string;
  actor: { type: string; id: string };
};

export const load: PageServerLoad = async (event) => {
  const client = api(event);
  const [calls, dataTrust] = await Promise.all([
    client.get<{ calls: Call[] }>(`/api/workspaces/${enc(event.params.ws)}/calls?limit=100`),
    isEnabled(client, event.params.ws, 'data-trust'),
  ]);
  return { calls: orError(calls).calls, dataTrust };
};

export const actions: Actions = {
  /** data-trust's `verify`: recomputes the hash chain and checks its signed checkpoints. */
  verify: async (event) => {
    const r = await callCapability<Record<string, unknown>>(api(event), event.params.ws, 'data-trust:verify');
    if (r.error) return failWith({ ok: false, status: 400, error: { code: r.code ?? 'NH_TOOL_FAILED', message: r.error } });
    return { verify: r.output };
  },
};
