import { error, fail, redirect } from '@sveltejs/kit';
import { TOOLS } from '$lib/capabilities';
import type { Draft, DraftDiff, Quality, Version, VersionMeta } from '$lib/content';
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
  if (!(await isEnabled(client, ws, TOOLS.content.plugin))) redirect(303, `/w/${enc(ws)}/content`);
  const q = event.url.searchParams;
  const version = num(q.get('version'));
  const got = await callCapability<{ draft: Draft; current: Version; versions: VersionMeta[] }>(client, ws, TOOLS.content.get, {
    draftId: event.params.draftId,
    ...(version ? { version } : {}),
  });
  if (!got.output)
    error(got.code?.endsWith('NOT_FOUND') ? 404 : 502, {
      message: got.error ?? 'error',
      ...(got.code ? { code: got.code } : {}),
    });
  const { draft, current } = got.output;
  const to = num(q.get('to')) ?? draft.latestVersion;
  const from = num(q.get('from')) ?? Math.max(1, to - 1);
  const [diff, quality] = await Promise.all([
    draft.latestVersion > 1
      ? callCapability<DraftDiff>(client, ws, TOOLS.content.diff, { draftId: draft.draftId, from, to })
      : Promise.resolve({ output: undefined, error: undefined }),
    callCapability<Quality>(client, ws, TOOLS.content.check, { draftId: draft.draftId, version: current.version }),
  ]);
  return {
    ...got.output,
    from,
    to,
    diff: diff.output ?? null,
    diffError: diff.error ?? null,
    quality: quality.output ?? null,
    qualityError: quality.error ?? null,
  };
};

async function saveVersion(event: Parameters<Actions[string]>[0], input: { text: string } | { instructions: string }, note: string) {
  const r = await callCapability<{ version: number }>(api(event), event.params.ws ?? '', TOOLS.content.revise, {
    draftId: event.params.draftId,
    ...input,
    ...(note ? { note } : {}),
  });
  return r;
}

export const actions: Actions = {
  /** The editor: the marketer's own text becomes the next version. */
  edit: async (event) => {
    const form = await event.request.formData();
    const body = text(form, 'text');
    const note = text(form, 'note');
    if (!body)
      return fail(400, { error: 'The text is empty: write something before saving.', action: 'edit', values: { text: body, note } });
    const r = await saveVersion(event, { text: body }, note);
    if (!r.output) return fail(400, { error: r.error ?? 'saving failed', code: r.code, action: 'edit', values: { text: body, note } });
    redirect(303, `/w/${enc(event.params.ws ?? '')}/content/${enc(event.params.draftId ?? '')}?revised=${r.output.version}`);
  },
  /** Ask the model to revise with instructions. */
  revise: async (event) => {
    const form = await event.request.formData();
    const instructions = text(form, 'instructions');
    const note = text(form, 'note');
    if (instructions.length < 3)
      return fail(400, { error: 'Say what to change (at least 3 characters).', action: 'revise', values: { instructions, note } });
    const r = await saveVersion(event, { instructions }, note);
    if (!r.output)
      return fail(400, { error: r.error ?? 'the revision failed', code: r.code, action: 'revise', values: { instructions, note } });
    redirect(303, `/w/${enc(event.params.ws ?? '')}/content/${enc(event.params.draftId ?? '')}?revised=${r.output.version}`);
  },
};
