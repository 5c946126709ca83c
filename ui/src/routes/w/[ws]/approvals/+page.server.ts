import { fail, redirect } from '@sveltejs/kit';
import { approvalExpired } from '$lib/approvals';
import { api, enc } from '$lib/server/api';
import { failWith, guardedActions, requireWorkspace, text } from '$lib/server/guard';
import { callCapability } from '$lib/server/plugins';
import { runOf } from '$lib/server/runs';
import { shellOf } from '$lib/server/shell';
import { type ProviderReasons, providerReasons, waitingFor } from '$lib/server/waiting';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
  const ws = requireWorkspace(event.locals, event.params.ws);
  const client = api(event);
  // the same reads as the badge (shared in this request): no tool call before the page paints
  const w = await waitingFor(event, ws.slug, event.locals.user?.id);
  // grouped by run (a run's steps together, so they can be approved at once), oldest first
  const groups: { runId: string | null; runGoal: string | null; items: typeof w.items }[] = [];
  for (const item of w.items) {
    const g = groups.find((x) => x.runId !== null && x.runId === item.runId);
    if (g) g.items.push(item);
    else groups.push({ runId: item.runId, runGoal: item.runGoal, items: [item] });
  }
  return {
    groups,
    timeZone: (await shellOf(event, ws.slug)).timeZone,
    /** The moment the page was read: what has expired, and how long the rest still wait, on the server and in the browser alike. */
    now: Date.now(),
    /** What still waits for a decision (the "N waiting" line, as the badge): an expired approval is listed but not counted. */
    count: w.open,
    /** Listed: the live ones and those whose approval expired (a run's step shows until the sweep fails it). */
    listed: w.items.length,
    governance: w.governance,
    error: w.error,
    // streamed: why each waits in the provider's words, and whether its list changed what waits (then reload)
    reasons:
      w.items.length || w.governance
        ? providerReasons(client, ws.slug, w.contracts, w.items, true).catch((): ProviderReasons => ({ why: {}, stale: false }))
        : null,
  };
};

type ActionEvent = Parameters<Actions[string]>[0];

/** Approves or rejects one pending item: a run's step through the runs API, a call outside a run through governance. */
async function decide(event: ActionEvent, decision: 'approve' | 'reject') {
  const ws = requireWorkspace(event.locals, event.params.ws ?? '');
  const form = await event.request.formData();
  const runId = text(form, 'runId');
  const stepId = text(form, 'stepId');
  const approvalId = text(form, 'approvalId');
  const reason = text(form, 'reason');
  const note = text(form, 'note');
  const key = runId ? `${runId}/${stepId}` : approvalId;
  if (decision === 'reject' && !reason)
    return fail(400, { error: 'Say why you reject it: the reason is shown on the run.', key, field: 'reason' });
  const client = api(event);
  if (runId) {
    await runOf(client, ws.id, runId); // a run of this workspace, else 404
    const r =
      decision === 'approve'
        ? await client.request('approveStep', { params: { id: runId, stepId }, body: note ? { note } : {} })
        : await client.request('rejectStep', { params: { id: runId, stepId }, body: { reason } });
    if (!r.ok) return failWith(r, { key });
  } else if (approvalId) {
    const contracts = await client.request('getContracts', { params: { ws: ws.slug } });
    const provider = contracts.ok ? contracts.data.approvals : null;
    if (!provider) return fail(409, { error: 'No enabled plugin decides approvals in this workspace.', key });
    const r = await callCapability(
      client,
      ws.slug,
      decision === 'approve' ? provider.tools.approve! : provider.tools.reject!,
      decision === 'approve' ? { approvalId, ...(note ? { note } : {}) } : { approvalId, reason },
    );
    if (r.error) return fail(400, { error: r.error, code: r.code, key });
  } else return fail(400, { error: 'Which approval?', key });
  // a run's step approved: the page offers the way on to the run (what it sends, what comes of it)
  return { done: decision === 'approve' ? ('approved' as const) : ('rejected' as const), key, runId: runId || null };
}

export const actions = guardedActions({
  approve: (event) => decide(event, 'approve'),
  reject: (event) => decide(event, 'reject'),
  /** Approves every step of one run that waits (the run goes on as each is approved). */
  approveRun: async (event) => {
    const ws = requireWorkspace(event.locals, event.params.ws ?? '');
    const runId = text(await event.request.formData(), 'runId');
    const client = api(event);
    const run = await runOf(client, ws.id, runId);
    let approved = 0;
    const now = Date.now();
    for (const s of run.steps.filter((x) => x.status === 'waiting_approval' && !approvalExpired(x.approvalExpiresAt, now))) {
      const r = await client.request('approveStep', { params: { id: runId, stepId: s.id }, body: {} });
      if (!r.ok) return failWith(r, { key: `${runId}/${s.id}`, approved });
      approved++;
    }
    redirect(303, `/w/${enc(ws.slug)}/approvals?approved=${approved}&run=${enc(runId)}`);
  },
}) satisfies Actions;
