import { error, redirect } from '@sveltejs/kit';
import type { Allocation, CampaignDetail } from '$lib/campaigns';
import { api, enc } from '$lib/server/api';
import { callContract, workspaceContracts } from '$lib/server/plugins';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
  const client = api(event);
  const ws = event.params.ws;
  const contracts = await workspaceContracts(client, ws);
  if (!contracts.campaigns) redirect(303, `/w/${enc(ws)}/campaigns`);
  const got = await callContract<CampaignDetail>(client, ws, 'campaigns', 'get_campaign', { campaignId: event.params.id }, contracts);
  if (!got.output)
    error(got.code?.endsWith('NOT_FOUND') ? 404 : 502, { message: got.error ?? 'error', ...(got.code ? { code: got.code } : {}) });
  const q = event.url.searchParams;
  const by = q.get('by') === 'variant' ? 'variant' : 'channel';
  const amountParam = Number(q.get('amount'));
  const amount = q.get('amount') && Number.isFinite(amountParam) && amountParam >= 0 ? amountParam : undefined;
  const alloc = await callContract<Allocation>(
    client,
    ws,
    'campaigns',
    'allocate_budget',
    {
      campaignId: event.params.id,
      by,
      ...(amount !== undefined ? { amount } : {}),
    },
    contracts,
  );
  return { ...got.output, by, amount: amount ?? null, allocation: alloc.output ?? null, allocationError: alloc.error ?? null };
};
