import { fail, redirect } from '@sveltejs/kit';
import { api, enc } from '$lib/server/api';
import { text } from '$lib/server/guard';
import { callCapability, isEnabled } from '$lib/server/plugins';
import type { Actions, PageServerLoad } from './$types';

type Approval = {
  id: string;
  tool: string;
  input: unknown;
  actor: { type: string; id: string };
  reason?: string;
  status: string;
  createdAt: string;
};

export const load: PageServerLoad = async (event) => {
  const client = api(event);
  if (!(await isEnabled(client, event.params.ws, 'governance'))) return { enabled: false, approvals: [] as Approval[], error: null };
  const r = await callCapability<{ approvals: Approval[] }>(client, event.params.ws, 'governance:list_approvals', { status: 'pending' });
  return { enabled: true, approvals: r.output?.approvals ?? [], error: r.error ?? null };
};

const decide = (tool: 'approve' | 'reject') => async (event: Parameters<Actions[string]>[0]) => {
  const form = await event.request.formData();
  const input =
    tool === 'approve'
      ? { approvalId: text(form, 'approvalId') }
      : { approvalId: text(form, 'approvalId'), reason: text(form, 'reason') || 'rejected in the console' };
  const r = await callCapability(api(event), event.params.ws ?? '', `governance:${tool}`, input);
  if (r.error) return fail(400, { error: r.error, code: r.code });
  redirect(303, `/w/${enc(event.params.ws ?? '')}/approvals?done=${tool}`);
};

export const actions: Actions = { approve: decide('approve'), reject: decide('reject') };
