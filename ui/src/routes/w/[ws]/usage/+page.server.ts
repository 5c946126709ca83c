import { api } from '$lib/server/api';
import { callCapability, isEnabled } from '$lib/server/plugins';
import type { PageServerLoad } from './$types';

type Summary = {
  from: string | null;
  to: string | null;
  days: number;
  totals: { calls: number; llmCalls: number; totalTokens: number; durationMs: number; wh: number; co2eG: number };
  byTool?: Record<string, { calls: number; wh?: number; co2eG?: number }> | { tool: string; calls: number; wh?: number; co2eG?: number }[];
};

export const load: PageServerLoad = async (event) => {
  const client = api(event);
  if (!(await isEnabled(client, event.params.ws, 'eco'))) return { enabled: false, summary: null, error: null };
  const r = await callCapability<Summary>(client, event.params.ws, 'eco:usage_summary', {});
  return { enabled: true, summary: r.output ?? null, error: r.error ?? null };
};
