import { api } from '$lib/server/api';
import { failWith, guardedActions, orError } from '$lib/server/guard';
import { actorName } from '$lib/server/people';
import { callContract } from '$lib/server/plugins';
import { shellOf } from '$lib/server/shell';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
  const client = api(event);
  const [calls, { contracts, people, timeZone }] = await Promise.all([
    client.request('listCalls', { params: { ws: event.params.ws }, query: { limit: 100 } }),
    shellOf(event, event.params.ws),
  ]);
  const dataTrust = contracts.audit !== null;
  // who made each call, by name (never a bare id)
  return { calls: orError(calls).calls.map((c) => ({ ...c, by: actorName(c.actor, people, event.locals.user?.id) })), dataTrust, timeZone };
};

export const actions = guardedActions({
  /** The audit contract's `verify` (data-trust as shipped): recomputes the hash chain and checks its signed checkpoints. */
  verify: async (event) => {
    const r = await callContract<Record<string, unknown>>(api(event), event.params.ws, 'audit', 'verify');
    if (r.error) return failWith({ ok: false, status: 400, error: { code: r.code ?? 'NH_TOOL_FAILED', message: r.error } });
    return { verify: r.output };
  },
}) satisfies Actions;
