import { SocialPostInputSchema, SocialPostOutputSchema } from '@neonhub/schemas';
import { defineTool, loadMedia, publishOnce, requireConnection } from '@neonhub/sdk';
import type { TwitterApi } from 'twitter-api-v2';
import { createXClient, PLUGIN_ID } from '../client.js';
import { toConnectorError } from '../errors.js';
import { checkXText, X_MEDIA } from '../limits.js';

/** Runs a provider step with its errors as the shared connector errors, so publishOnce can tell a refusal from an unknown outcome. */
const mapped =
  <T>(fn: () => Promise<T>) =>
  (): Promise<T> =>
    fn().catch((err: unknown) => {
      throw toConnectorError(err);
    });

/** X shortens links to t.co in what it returns: compare texts without their URLs. */
const withoutUrls = (text: string) =>
  text
    .replace(/https?:\/\/\S+/g, '')
    .replace(/\s+/g, ' ')
    .trim();

async function findPosted(client: TwitterApi, userId: string | undefined, text: string, since: Date) {
  const id = userId ?? (await client.v2.me()).data.id;
  const page = await client.v2.get<{ data?: Array<{ id: string; text: string }> }>(`users/${id}/tweets`, {
    start_time: since.toISOString(),
    max_results: 20,
  });
  const hit = page.data?.find((t) => withoutUrls(t.text) === withoutUrls(text));
  return hit ? { postId: hit.id, url: `https://x.com/i/web/status/${hit.id}` } : undefined;
}

export const post = defineTool({
  name: 'post',
  description:
    "Publishes a post on X as the connected account (OAuth 2.0 user context), with up to 4 images (uploaded through X's media upload). Refuses text over 280 weighted characters (URLs count 23, CJK and emoji 2) and media over X's limits before sending. Once per idempotency key: X has no idempotency key, so a retry after an unknown outcome first looks for the post on the account's timeline.",
  sideEffect: 'external',
  input: SocialPostInputSchema,
  output: SocialPostOutputSchema,
  timeoutMs: 120_000,
  async run(a, ctx) {
    const connection = requireConnection(ctx, PLUGIN_ID);
    const text = a.link ? `${a.text}\n\n${a.link}` : a.text;
    checkXText(text);
    const images = await loadMedia(ctx, a.mediaUrls, X_MEDIA);
    const client = createXClient(ctx, connection);
    try {
      const out = await publishOnce(
        ctx,
        { text, mediaUrls: a.mediaUrls, connection: connection.id },
        {
          lookup: (since) => mapped(() => findPosted(client, connection.account?.id, text, since))(),
          publish: mapped(async () => {
            const mediaIds: string[] = [];
            for (const img of images)
              mediaIds.push(await client.v2.uploadMedia(Buffer.from(img.bytes), { media_type: img.mimeType as 'image/png' }));
            const { data } = await client.v2.tweet({ text, ...(mediaIds.length ? { media: { media_ids: mediaIds as [string] } } : {}) });
            ctx.logger.info({ postId: data.id, images: mediaIds.length }, 'published on x');
            return { postId: data.id, url: `https://x.com/i/web/status/${data.id}` };
          }),
        },
      );
      return { ...out, status: 'published' as const };
    } catch (err) {
      throw toConnectorError(err);
    }
  },
});
