import { fail, redirect } from '@sveltejs/kit';
import { contractTool } from '$lib/capabilities';
import type { Draft } from '$lib/content';
import { api, enc } from '$lib/server/api';
import { guardedActions, text } from '$lib/server/guard';
import { callCapability, workspaceContracts } from '$lib/server/plugins';
import { shellOf } from '$lib/server/shell';
import type { Actions, PageServerLoad } from './$types';

const KINDS = ['blog', 'email', 'social'] as const;

export const load: PageServerLoad = async (event) => {
  const client = api(event);
  const kindParam = event.url.searchParams.get('kind');
  const kind = (KINDS as readonly string[]).includes(kindParam ?? '') ? kindParam : null;
  // the drafts of the content contract's provider (the content agent as shipped)
  const list = contractTool((await shellOf(event, event.params.ws)).contracts, 'content', 'list_drafts');
  if (!list) return { enabled: false, drafts: [] as Draft[], kind, error: null };
  const r = await callCapability<{ drafts: Draft[] }>(client, event.params.ws, list, {
    limit: 200,
    ...(kind ? { kind } : {}),
  });
  return { enabled: true, drafts: r.output?.drafts ?? [], kind, error: r.error ?? null };
};

export const actions = guardedActions({
  /** A new draft in the brand voice; the draft recalls the brand kit and product facts from memory itself. */
  draft: async (event) => {
    const form = await event.request.formData();
    const ws = event.params.ws ?? '';
    const kind = text(form, 'kind');
    const topic = text(form, 'topic');
    const audience = text(form, 'audience');
    const values = { kind, topic, audience };
    if (!(KINDS as readonly string[]).includes(kind)) return fail(400, { error: 'Choose what to write.', values });
    if (topic.length < 3) return fail(400, { error: 'Say what it is about (at least 3 characters).', values });
    const client = api(event);
    const contracts = await workspaceContracts(client, ws);
    const draft = contractTool(contracts, 'content', 'draft');
    if (!draft) return fail(409, { error: 'No enabled plugin provides the content studio here.', values });
    const r = await callCapability<{ draftId: string }>(client, ws, draft, {
      kind,
      topic,
      ...(audience ? { audience } : {}),
    });
    if (!r.output) return fail(400, { error: r.error ?? 'drafting failed', code: r.code, values });
    redirect(303, `/w/${enc(ws)}/content/${enc(r.output.draftId)}`);
  },
}) satisfies Actions;
