import { fail, redirect } from '@sveltejs/kit';
import { api, enc } from '$lib/server/api';
import { failWith, requireWorkspace, text } from '$lib/server/guard';
import { runOf } from '$lib/server/runs';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
  event.depends('app:run');
  const ws = requireWorkspace(event.locals, event.params.ws);
  return runOf(api(event), ws.id, event.params.id);
};

type ActionEvent = Parameters<Actions[string]>[0];

/** Approve, reject or cancel through the runs API, after checking the run belongs to this workspace. */
type Act =
  | { op: 'approveStep'; stepId: string; note?: string }
  | { op: 'rejectStep'; stepId: string; reason: string }
  | { op: 'cancelRun' };

async function act(event: ActionEvent, what: (form: FormData) => Act | { error: string }) {
  const ws = requireWorkspace(event.locals, event.params.ws ?? '');
  const client = api(event);
  const id = event.params.id ?? '';
  await runOf(client, ws.id, id);
  const form = await event.request.formData();
  const target = what(form);
  if ('error' in target) return fail(400, { error: target.error, stepId: text(form, 'stepId') });
  const r =
    target.op === 'cancelRun'
      ? await client.request('cancelRun', { params: { id } })
      : target.op === 'approveStep'
        ? await client.request('approveStep', { params: { id, stepId: target.stepId }, body: target.note ? { note: target.note } : {} })
        : await client.request('rejectStep', { params: { id, stepId: target.stepId }, body: { reason: target.reason } });
  if (!r.ok) return failWith(r, { stepId: text(form, 'stepId') });
  redirect(303, `/w/${enc(ws.slug)}/runs/${enc(id)}`);
}

export const actions: Actions = {
  approve: (event) =>
    act(event, (form) => {
      if (!text(form, 'stepId')) return { error: 'Which step?' };
      return { op: 'approveStep', stepId: text(form, 'stepId'), note: text(form, 'note') };
    }),
  reject: (event) =>
    act(event, (form) => {
      if (!text(form, 'stepId')) return { error: 'Which step?' };
      return { op: 'rejectStep', stepId: text(form, 'stepId'), reason: text(form, 'reason') || 'rejected in the console' };
    }),
  cancel: (event) => act(event, () => ({ op: 'cancelRun' })),
};
