import { error, fail, redirect } from '@sveltejs/kit';
import type { Draft, DraftDiff, Version, VersionMeta } from '$lib/content';
import { api, enc } from '$lib/server/api';
import { text } from '$lib/server/guard';
import { callCapability, isEnabled } from '$lib/server/plugins';
import type { Actions, PageServerLoad } from './$types';

const num = (v: string | null) => {
  const n = Number(v);
  return v && Number.isInteger(n) && n >= 1 ? n : undefined;
};

export const load: PageServerLoad = async (event) => {
  const client = api(event);
  const ws = event.params.ws;
  if (!(await isEnabled(client, ws, 'agent-content'))) redirect(303, `/w/${enc(ws)}/content`);
  const q = event.url.searchParams;
  const version = num(q.get('version'));
  const got = await callCapability<{ draft: Draft; current: Version; versions: VersionMeta[] }>(client, ws, 'agent-content:get_draft', {
    draftId: event.params.draftId,
    ...(version ? { version } : {}),
  });
  if (!got.output)
    error(got.code === 'NH_CONTENT_DRAFT_NOT_FOUND' || got.code?.endsWith('NOT_FOUND') ? 404 : 502, {
      message: got.error ?? 'error',
      ...(got.code ? { code: got.code } : {}),
    });
  const { draft } = got.output;
  const to = num(q.get('to')) ?? draft.latestVersion;
  const from = num(q.get('from')) ?? Math.max(1, to - 1);
  const diff =
    draft.latestVersion > 1
      ? await callCapability<DraftDiff>(client, ws, 'agent-content:diff', { draftId: draft.draftId, from, to })
      : { output: undefined, error: undefined };
  return { ...got.output, from, to, diff: diff.output ?? null, diffError: diff.error ?? null };
};

export const actions: Actions = {
  revise: async (event) => {
    const form = await event.request.formData();
    const mode = text(form, 'mode') === 'text' ? 'text' : 'instructions';
    const body = text(form, 'body');
    const note = text(form, 'note');
    const values = { mode, body, note };
    if (mode === 'instructions' && body.length < 3) return fail(400, { error: 'Say what to change (at least 3 characters).', values });
    if (mode === 'text' && !body) return fail(400, { error: 'Give the new text.', values });
    const r = await callCapability<{ version: number }>(api(event), event.params.ws ?? '', 'agent-content:revise', {
      draftId: event.params.draftId,
      ...(mode === 'text' ? { text: body } : { instructions: body }),
      ...(note ? { note } : {}),
    });
    if (!r.output) return fail(400, { error: r.error ?? 'the revision failed', code: r.code, values });
    redirect(303, `/w/${enc(event.params.ws ?? '')}/content/${enc(event.params.draftId ?? '')}?revised=${r.output.version}`);
  },
};
