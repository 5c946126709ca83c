import { api } from '$lib/server/api';
import { callContract, toolLabel } from '$lib/server/plugins';
import { shellOf } from '$lib/server/shell';
import type { UsageSummary } from '$lib/usage';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
  const client = api(event);
  // the usage contract's provider (eco as shipped); the plugins name the tools in words
  const { contracts, plugins } = await shellOf(event, event.params.ws);
  if (!contracts.usage) return { enabled: false, summary: null, error: null, toolNames: {} };
  const r = await callContract<UsageSummary>(client, event.params.ws, 'usage', 'usage_summary', {}, contracts);
  /** Each tool the summary counts, in words ("Content agent · Draft"), as the rest of the console names it. */
  const toolNames = Object.fromEntries(Object.keys(r.output?.byTool ?? {}).map((t) => [t, toolLabel(t, plugins)]));
  return { enabled: true, summary: r.output ?? null, error: r.error ?? null, toolNames };
};
