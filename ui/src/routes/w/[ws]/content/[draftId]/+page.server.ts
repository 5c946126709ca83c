import { error, fail, redirect } from '@sveltejs/kit';
import {
  type Draft,
  type DraftDiff,
  MEDIA_ACCEPT,
  MEDIA_MAX_BYTES,
  type Media,
  type Quality,
  type Version,
  type VersionMeta,
} from '$lib/content';
import { api, enc } from '$lib/server/api';
import { guardedActions, text } from '$lib/server/guard';
import { callContract } from '$lib/server/plugins';
import { shellOf } from '$lib/server/shell';
import type { Actions, PageServerLoad } from './$types';

const num = (v: string | null) => {
  const n = Number(v);
  return v && Number.isInteger(n) && n >= 1 ? n : undefined;
};

export const load: PageServerLoad = async (event) => {
  const client = api(event);
  const ws = event.params.ws;
  const { contracts, timeZone } = await shellOf(event, ws);
  if (!contracts.content) redirect(303, `/w/${enc(ws)}/content`);
  const call = <T>(name: string, input: unknown) => callContract<T>(client, ws, 'content', name, input, contracts);
  const q = event.url.searchParams;
  const version = num(q.get('version'));
  const got = await call<{ draft: Draft; current: Version; versions: VersionMeta[] }>('get_draft', {
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
  const [diff, quality, media] = await Promise.all([
    draft.latestVersion > 1
      ? call<DraftDiff>('diff', { draftId: draft.draftId, from, to })
      : Promise.resolve({ output: undefined, error: undefined }),
    call<Quality>('check_quality', { draftId: draft.draftId, version: current.version }),
    call<{ media: Media[] }>('list_media', { draftId: draft.draftId }),
  ]);
  return {
    ...got.output,
    timeZone,
    from,
    to,
    diff: diff.output ?? null,
    diffError: diff.error ?? null,
    quality: quality.output ?? null,
    qualityError: quality.error ?? null,
    media: media.output?.media ?? [],
  };
};

async function saveVersion(event: Parameters<Actions[string]>[0], input: { text: string } | { instructions: string }, note: string) {
  const r = await callContract<{ version: number }>(api(event), event.params.ws ?? '', 'content', 'revise', {
    draftId: event.params.draftId,
    ...input,
    ...(note ? { note } : {}),
  });
  return r;
}

export const actions = guardedActions({
  /** An image for the draft: checked here for a friendly message, and again (by its bytes) by the content provider. */
  attach: async (event) => {
    const form = await event.request.formData();
    const file = form.get('file');
    const alt = text(form, 'alt');
    if (!(file instanceof File) || file.size === 0) return fail(400, { action: 'attach', error: 'Choose an image file.' });
    if (file.size > MEDIA_MAX_BYTES)
      return fail(413, {
        action: 'attach',
        error: `${file.name} is ${Math.ceil(file.size / 1024)} KB; images can be up to ${MEDIA_MAX_BYTES / 1024} KB.`,
        code: 'NH_CONTENT_MEDIA_TOO_LARGE',
      });
    if (!MEDIA_ACCEPT.includes(file.type))
      return fail(415, {
        action: 'attach',
        error: `${file.name} is not a PNG, JPEG, GIF or WebP image.`,
        code: 'NH_CONTENT_MEDIA_TYPE_UNSUPPORTED',
      });
    const r = await callContract<Media>(api(event), event.params.ws ?? '', 'content', 'attach_media', {
      draftId: event.params.draftId,
      filename: file.name,
      contentType: file.type,
      dataBase64: Buffer.from(await file.arrayBuffer()).toString('base64'),
      ...(alt ? { alt } : {}),
    });
    if (!r.output) return fail(400, { action: 'attach', error: r.error ?? 'the upload failed', code: r.code });
    redirect(303, `/w/${enc(event.params.ws ?? '')}/content/${enc(event.params.draftId ?? '')}?attached=${enc(r.output.mediaId)}`);
  },
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
}) satisfies Actions;
