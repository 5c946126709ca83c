import { api } from '$lib/server/api';
import { callContract, workspaceContracts } from '$lib/server/plugins';
import type { UsageSummary } from '$lib/usage';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
  const client = api(event);
  // the usage contract's provider (eco as shipped)
  const contracts = await workspaceContracts(client, event.params.ws);
  if (!contracts.usage) return { enabled: false, summary: null, error: null };
  const r = await callContract<UsageSummary>(client, event.params.ws, 'usage', 'usage_summary', {}, contracts);
  return { enabled: true, summary: r.output ?? null, error: r.error ?? null };
};
