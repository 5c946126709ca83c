import { api } from '$lib/server/api';
import { orError } from '$lib/server/guard';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
  const ws = event.params.ws;
  const client = api(event);
  const { campaigns } = orError(await client.request('listCampaigns', { params: { ws } }));
  const campaign = event.url.searchParams.get('c') ?? campaigns[0]?.campaign ?? null;
  const [funnel, attribution] = await Promise.all([
    campaign ? client.request('funnel', { params: { ws, campaign } }).then(orError) : Promise.resolve(null),
    client.request('attribution', { params: { ws }, query: {} }).then(orError),
  ]);
  return { campaigns, campaign, funnel, attribution };
};
