import { SocialPostInputSchema, SocialPostOutputSchema } from '@neonhub/schemas';
import { credential, defineTool, loadMedia, type MediaFile, publishOnce, requireConnection, type ToolContext } from '@neonhub/sdk';
import { z } from 'zod';
import { graph, PLUGIN_ID, pageToken } from '../graph.js';
import { checkFacebook, checkInstagram } from '../limits.js';

type Ctx = Pick<ToolContext, 'fetch' | 'config' | 'signal'>;

/** A Page photo from a URL (Meta fetches it) or from bytes (multipart `source`). */
function photoParams(source: string, image: MediaFile | undefined, extra: Record<string, string>): Record<string, string> | FormData {
  if (!image) return { url: source, ...extra };
  const form = new FormData();
  for (const [k, v] of Object.entries(extra)) form.set(k, v);
  form.set('source', new Blob([new Uint8Array(image.bytes)], { type: image.mimeType }), 'image');
  return form;
}

async function publishFacebook(
  ctx: Ctx,
  pageId: string,
  token: string,
  text: string,
  link: string | undefined,
  mediaUrls: string[],
  uploads: Map<string, MediaFile>,
) {
  if (mediaUrls.length === 0) {
    const r = await graph<{ id: string }>(ctx, 'POST', `/${pageId}/feed`, token, { message: text, ...(link ? { link } : {}) });
    return r.id;
  }
  const message = link ? `${text}\n\n${link}` : text;
  if (mediaUrls.length === 1) {
    const r = await graph<{ id: string; post_id: string }>(
      ctx,
      'POST',
      `/${pageId}/photos`,
      token,
      photoParams(mediaUrls[0]!, uploads.get(mediaUrls[0]!), { message }),
    );
    return r.post_id;
  }
  const ids: string[] = [];
  for (const u of mediaUrls)
    ids.push(
      (await graph<{ id: string }>(ctx, 'POST', `/${pageId}/photos`, token, photoParams(u, uploads.get(u), { published: 'false' }))).id,
    );
  const r = await graph<{ id: string }>(ctx, 'POST', `/${pageId}/feed`, token, {
    message,
    attached_media: JSON.stringify(ids.map((media_fbid) => ({ media_fbid }))),
  });
  return r.id;
}

async function publishInstagram(ctx: Ctx, igId: string, token: string, caption: string, mediaUrls: string[]) {
  let creationId: string;
  if (mediaUrls.length === 1) {
    creationId = (await graph<{ id: string }>(ctx, 'POST', `/${igId}/media`, token, { image_url: mediaUrls[0]!, caption })).id;
  } else {
    const children: string[] = [];
    for (const u of mediaUrls)
      children.push((await graph<{ id: string }>(ctx, 'POST', `/${igId}/media`, token, { image_url: u, is_carousel_item: 'true' })).id);
    creationId = (
      await graph<{ id: string }>(ctx, 'POST', `/${igId}/media`, token, { media_type: 'CAROUSEL', children: children.join(','), caption })
    ).id;
  }
  const { id } = await graph<{ id: string }>(ctx, 'POST', `/${igId}/media_publish`, token, { creation_id: creationId });
  const { permalink } = await graph<{ permalink?: string }>(ctx, 'GET', `/${id}`, token, { fields: 'permalink' });
  return { postId: id, url: permalink ?? `https://www.instagram.com/` };
}

export const post = defineTool({
  name: 'post',
  description:
    "Publishes on the connected Facebook Page (text, a link card, one photo or several as attached media) or its Instagram professional account (one JPEG image or a carousel of up to 10 at public https URLs, which Meta fetches) through the Graph API. Refuses what breaks the network's limits before sending (Instagram: an image is required, 2200 characters, 30 hashtags, 20 mentions; Facebook: 63206 characters, 10 photos). Once per idempotency key: the Graph API has none, so a retry after an unknown outcome first looks for the post in the Page feed or the Instagram media.",
  sideEffect: 'external',
  input: SocialPostInputSchema.extend({
    network: z.enum(['facebook', 'instagram']).default('facebook').describe('facebook (the Page) or instagram (its professional account).'),
  }),
  output: SocialPostOutputSchema,
  timeoutMs: 180_000,
  async run(a, ctx) {
    const connection = requireConnection(ctx, PLUGIN_ID);
    const userToken = credential(connection, 'accessToken', PLUGIN_ID);
    if (a.network === 'instagram') {
      const caption = a.link ? `${a.text}\n\n${a.link}` : a.text;
      checkInstagram(caption, a.mediaUrls);
      const igId = credential(connection, 'instagramAccountId', PLUGIN_ID);
      const out = await publishOnce(
        ctx,
        { network: 'instagram', caption, mediaUrls: a.mediaUrls, igId },
        {
          async lookup(since) {
            const r = await graph<{ data: Array<{ id: string; caption?: string; timestamp: string; permalink?: string }> }>(
              ctx,
              'GET',
              `/${igId}/media`,
              userToken,
              { fields: 'id,caption,timestamp,permalink', limit: '25' },
            );
            const hit = r.data.find((m) => m.caption === caption && Date.parse(m.timestamp) >= since.getTime() - 1000);
            return hit ? { postId: hit.id, url: hit.permalink ?? 'https://www.instagram.com/' } : undefined;
          },
          publish: () => publishInstagram(ctx, igId, userToken, caption, a.mediaUrls),
        },
      );
      ctx.logger.info({ postId: out.postId, duplicate: out.duplicate }, 'published on instagram');
      return { ...out, status: 'published' as const };
    }
    checkFacebook(a.text, a.mediaUrls);
    const dataUris = a.mediaUrls.filter((u) => u.startsWith('data:'));
    const loaded = await loadMedia(ctx, dataUris, {
      network: 'facebook',
      maxCount: 10,
      maxBytes: 4 * 1024 * 1024,
      mimeTypes: ['image/jpeg', 'image/png', 'image/gif', 'image/bmp', 'image/tiff'],
    });
    const uploads = new Map(loaded.map((f) => [f.source, f]));
    const pageId = credential(connection, 'pageId', PLUGIN_ID);
    const token = await pageToken(ctx, pageId, connection.credentials);
    const message = a.mediaUrls.length && a.link ? `${a.text}\n\n${a.link}` : a.text;
    const out = await publishOnce(
      ctx,
      { network: 'facebook', text: a.text, link: a.link, mediaUrls: a.mediaUrls, pageId },
      {
        async lookup(since) {
          const r = await graph<{ data: Array<{ id: string; message?: string; created_time: string }> }>(
            ctx,
            'GET',
            `/${pageId}/feed`,
            token,
            {
              fields: 'id,message,created_time',
              since: String(Math.floor(since.getTime() / 1000)),
              limit: '25',
            },
          );
          const hit = r.data.find((p) => p.message === message);
          return hit ? { postId: hit.id, url: `https://www.facebook.com/${hit.id}` } : undefined;
        },
        async publish() {
          const id = await publishFacebook(ctx, pageId, token, a.text, a.link, a.mediaUrls, uploads);
          return { postId: id, url: `https://www.facebook.com/${id}` };
        },
      },
    );
    ctx.logger.info({ postId: out.postId, duplicate: out.duplicate }, 'published on facebook');
    return { ...out, status: 'published' as const };
  },
});
