import type { Draft } from '$lib/content';
import { api } from '$lib/server/api';
import { callCapability, isEnabled } from '$lib/server/plugins';
import type { PageServerLoad } from './$types';

const KINDS = ['blog', 'email', 'social'] as const;

export const load: PageServerLoad = async (event) => {
  const client = api(event);
  const kindParam = event.url.searchParams.get('kind');
  const kind = (KINDS as readonly string[]).includes(kindParam ?? '') ? kindParam : null;
  if (!(await isEnabled(client, event.params.ws, 'agent-content'))) return { enabled: false, drafts: [] as Draft[], kind, error: null };
  const r = await callCapability<{ drafts: Draft[] }>(client, event.params.ws, 'agent-content:list_drafts', {
    limit: 200,
    ...(kind ? { kind } : {}),
  });
  return { enabled: true, drafts: r.output?.drafts ?? [], kind, error: r.error ?? null };
};
