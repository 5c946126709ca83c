import { error } from '@sveltejs/kit';
import type { Media } from '$lib/content';
import { api } from '$lib/server/api';
import { requireUser, requireWorkspace } from '$lib/server/guard';
import { callContract } from '$lib/server/plugins';
import type { RequestHandler } from './$types';

/** An image attached to a draft, for the studio and the preview: members of the workspace only, never sniffed. */
export const GET: RequestHandler = async (event) => {
  requireUser(event.locals, event.url);
  requireWorkspace(event.locals, event.params.ws);
  const r = await callContract<Media & { dataBase64: string }>(api(event), event.params.ws, 'content', 'get_media', {
    mediaId: event.params.mediaId,
  });
  if (!r.output || r.output.draftId !== event.params.draftId)
    error(404, { message: r.error ?? 'No such image', code: r.code ?? 'NH_CONTENT_MEDIA_NOT_FOUND' });
  return new Response(Buffer.from(r.output.dataBase64, 'base64'), {
    headers: {
      'content-type': r.output.contentType,
      'cache-control': 'private, max-age=3600',
      'x-content-type-options': 'nosniff',
      'content-disposition': `inline; filename="${r.output.filename.replace(/[^\w.-]/g, '_')}"`,
    },
  });
};
