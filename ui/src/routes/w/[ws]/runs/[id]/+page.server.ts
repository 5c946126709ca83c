import { fail, redirect } from '@sveltejs/kit';
import { api, enc } from '$lib/server/api';
import { failWith, requireWorkspace, text } from '$lib/server/guard';
import { type RunWithSteps, runOf } from '$lib/server/runs';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
  event.depends('app:run');
  const ws = requireWorkspace(event.locals, event.params.ws);
  return runOf(api(event), ws.id, event.params.id);
};

type ActionEvent = Parameters<Actions[string]>[0];

/** Approve, reject or cancel through the runs API, after checking the run belongs to this workspace. */
async function act(event: ActionEvent, path: (form: FormData) => { path: string; body: unknown } | { error: string }) {
  const ws = requireWorkspace(event.locals, event.params.ws ?? '');
  const client = api(event);
  const id = event.params.id ?? '';
  await runOf(client, ws.id, id);
  const form = await event.request.formData();
  const target = path(form);
  if ('error' in target) return fail(400, { error: target.error, stepId: text(form, 'stepId') });
  const r = await client.post<RunWithSteps>(target.path, target.body);
  if (!r.ok) return failWith(r, { stepId: text(form, 'stepId') });
  redirect(303, `/w/${enc(ws.slug)}/runs/${enc(id)}`);
}

const stepPath = (event: ActionEvent, form: FormData, verb: 'approve' | 'reject') =>
  `/api/runs/${enc(event.params.id ?? '')}/steps/${enc(text(form, 'stepId'))}/${verb}`;

export const actions: Actions = {
  approve: (event) =>
    act(event, (form) => {
      if (!text(form, 'stepId')) return { error: 'Which step?' };
      const note = text(form, 'note');
      return { path: stepPath(event, form, 'approve'), body: note ? { note } : {} };
    }),
  reject: (event) =>
    act(event, (form) => {
      if (!text(form, 'stepId')) return { error: 'Which step?' };
      return { path: stepPath(event, form, 'reject'), body: { reason: text(form, 'reason') || 'rejected in the console' } };
    }),
  cancel: (event) => act(event, () => ({ path: `/api/runs/${enc(event.params.id ?? '')}/cancel`, body: {} })),
};
