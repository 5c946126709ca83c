import { fail, redirect } from '@sveltejs/kit';
import { approvalExpired, labelOf, resolveRefs } from '$lib/approvals';
import { stepSentWords } from '$lib/run-results';
import { REJECTED, rejectReason, shownStatus } from '$lib/runs';
import { api, enc } from '$lib/server/api';
import { failWith, guardedActions, requireWorkspace, text } from '$lib/server/guard';
import { actorName } from '$lib/server/people';
import { toolLabel } from '$lib/server/plugins';
import { runOf } from '$lib/server/runs';
import { type ProviderReasons, pendingOfRun, providerReasons } from '$lib/server/waiting';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
  event.depends('app:run');
  const ws = requireWorkspace(event.locals, event.params.ws);
  const client = api(event);
  const data = await runOf(client, ws.id, event.params.id);
  const me = event.locals.user?.id;
  const finished = ['succeeded', 'failed', 'cancelled'].includes(data.run.status);
  const [{ items, plugins, people, contracts, timeZone }, summary] = await Promise.all([
    pendingOfRun(event, ws.slug, data, me),
    // what the run sent and what came of it, once it has finished (its run.summary, and the same figures now)
    finished ? client.request('getRunSummary', { params: { id: data.run.id } }) : null,
  ]);
  const views = data.steps.map((s) => ({
    id: s.id,
    title: s.title ?? labelOf(s.id),
    toolLabel: toolLabel(s.tool, plugins),
    shown: shownStatus(s),
    reason: rejectReason(s),
    decidedBy: s.decidedBy ? actorName(s.decidedBy, people, me) : null,
    technical: { input: resolveRefs(s.input, data.steps).value, ...(s.output === undefined ? {} : { output: s.output }) },
  }));
  return {
    ...data,
    startedBy: data.run.createdBy ? actorName(data.run.createdBy, people, me) : null,
    held: items,
    timeZone,
    /** The moment the page was read: what has expired, and how long the rest still wait, on the server and in the browser alike. */
    now: Date.now(),
    /** Streamed: why each held step waits in the approvals provider's words (its list: a tool call, after paint). */
    reasons: items.length
      ? providerReasons(client, ws.slug, contracts, items).catch((): ProviderReasons => ({ why: {}, stale: false }))
      : null,
    /** The run's results in words (once it has finished), and which steps sent how many messages and posts. */
    results: summary?.ok
      ? {
          ...summary.data.words,
          sentBy: views.flatMap((v) => {
            const words = stepSentWords(data.steps.find((s) => s.id === v.id && s.status === 'succeeded')?.output);
            return words ? [{ id: v.id, title: v.title, words }] : [];
          }),
        }
      : null,
    /** Each step as a person reads it: its title, tool in words, status (rejected is not failed), who decided it and why. */
    views,
    /** The step whose rejection ended the run, if one did. */
    rejected: data.run.error?.code === REJECTED ? (views.find((v) => v.shown === 'rejected') ?? null) : null,
  };
};

type ActionEvent = Parameters<Actions[string]>[0];

/** Approve, reject or cancel through the runs API, after checking the run belongs to this workspace. */
type Act =
  | { op: 'approveStep'; stepId: string; note?: string }
  | { op: 'rejectStep'; stepId: string; reason: string }
  | { op: 'approveAll' }
  | { op: 'cancelRun' };

async function act(event: ActionEvent, what: (form: FormData) => Act | { error: string; field?: string }) {
  const ws = requireWorkspace(event.locals, event.params.ws ?? '');
  const client = api(event);
  const id = event.params.id ?? '';
  const run = await runOf(client, ws.id, id);
  const form = await event.request.formData();
  const target = what(form);
  if ('error' in target) return fail(400, { error: target.error, stepId: text(form, 'stepId'), field: target.field });
  if (target.op === 'approveAll') {
    const now = Date.now();
    for (const s of run.steps.filter((x) => x.status === 'waiting_approval' && !approvalExpired(x.approvalExpiresAt, now))) {
      const r = await client.request('approveStep', { params: { id, stepId: s.id }, body: {} });
      if (!r.ok) return failWith(r, { stepId: s.id });
    }
    redirect(303, `/w/${enc(ws.slug)}/runs/${enc(id)}`);
  }
  const r =
    target.op === 'cancelRun'
      ? await client.request('cancelRun', { params: { id } })
      : target.op === 'approveStep'
        ? await client.request('approveStep', { params: { id, stepId: target.stepId }, body: target.note ? { note: target.note } : {} })
        : await client.request('rejectStep', { params: { id, stepId: target.stepId }, body: { reason: target.reason } });
  if (!r.ok) return failWith(r, { stepId: text(form, 'stepId') });
  redirect(303, `/w/${enc(ws.slug)}/runs/${enc(id)}`);
}

export const actions = guardedActions({
  approve: (event) =>
    act(event, (form) => {
      if (!text(form, 'stepId')) return { error: 'Which step?' };
      return { op: 'approveStep', stepId: text(form, 'stepId'), note: text(form, 'note') };
    }),
  reject: (event) =>
    act(event, (form) => {
      if (!text(form, 'stepId')) return { error: 'Which step?' };
      if (!text(form, 'reason')) return { error: 'Say why you reject it: the reason is shown on the run.', field: 'reason' };
      return { op: 'rejectStep', stepId: text(form, 'stepId'), reason: text(form, 'reason') };
    }),
  approveAll: (event) => act(event, () => ({ op: 'approveAll' })),
  cancel: (event) => act(event, () => ({ op: 'cancelRun' })),
}) satisfies Actions;
