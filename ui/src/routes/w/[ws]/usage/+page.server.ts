import { api } from '$lib/server/api';
import { callCapability, isEnabled } from '$lib/server/plugins';
import type { UsageSummary } from '$lib/usage';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
  const client = api(event);
  if (!(await isEnabled(client, event.params.ws, 'eco'))) return { enabled: false, summary: null, error: null };
  const r = await callCapability<UsageSummary>(client, event.params.ws, 'eco:usage_summary', {});
  return { enabled: true, summary: r.output ?? null, error: r.error ?? null };
};
