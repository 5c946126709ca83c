import { SocialPostInputSchema, SocialPostOutputSchema } from '@neonhub/schemas';
import { checkTextLength, credential, defineTool, loadMedia, publishOnce, requireConnection } from '@neonhub/sdk';
import { createRestAPIClient } from 'masto';
import { toConnectorError } from '../errors.js';
import { instanceLimits, instanceUrl, mastodonLength, PLUGIN_ID } from '../instance.js';

/** Runs a provider step with its errors as the shared connector errors, so publishOnce can tell a refusal from an unknown outcome. */
const mapped =
  <T>(fn: () => Promise<T>) =>
  (): Promise<T> =>
    fn().catch((err: unknown) => {
      throw toConnectorError(err);
    });

export const post = defineTool({
  name: 'post',
  description:
    "Publishes a public status on the connected Mastodon account's instance, with images (uploaded through /api/v2/media). Reads the instance's own limits first (500 characters by default, URLs count 23; 4 images) and refuses a status over them before sending. Once per idempotency key: sent with Mastodon's Idempotency-Key header.",
  sideEffect: 'external',
  input: SocialPostInputSchema,
  output: SocialPostOutputSchema,
  timeoutMs: 180_000,
  async run(a, ctx) {
    const connection = requireConnection(ctx, PLUGIN_ID);
    const url = instanceUrl(ctx, connection);
    const text = a.link ? `${a.text}\n\n${a.link}` : a.text;
    try {
      const limits = await instanceLimits(ctx, url);
      checkTextLength(
        'mastodon',
        mastodonLength(text, limits.charactersReservedPerUrl),
        limits.maxCharacters,
        'characters (URLs count 23)',
      );
      const images = await loadMedia(ctx, a.mediaUrls, limits.media);
      const masto = createRestAPIClient({ url, accessToken: credential(connection, 'accessToken', PLUGIN_ID), timeout: 60_000 });
      const out = await publishOnce(
        ctx,
        { text, mediaUrls: a.mediaUrls, connection: connection.id },
        {
          publish: mapped(async () => {
            const mediaIds: string[] = [];
            for (const img of images) {
              const file = new Blob([new Uint8Array(img.bytes)], { type: img.mimeType });
              mediaIds.push((await masto.v2.media.create({ file })).id);
            }
            const status = await masto.v1.statuses.create(
              { status: text, visibility: 'public', ...(mediaIds.length ? { mediaIds } : {}) },
              { requestInit: { headers: { 'Idempotency-Key': ctx.idempotencyKey } } },
            );
            ctx.logger.info({ postId: status.id, images: mediaIds.length }, 'published on mastodon');
            return { postId: status.id, url: status.url ?? status.uri };
          }),
        },
      );
      return { ...out, status: 'published' as const };
    } catch (err) {
      throw toConnectorError(err);
    }
  },
});
