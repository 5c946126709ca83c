import { type AtpAgent, RichText } from '@atproto/api';
import { SocialPostInputSchema, SocialPostOutputSchema } from '@neonhub/schemas';
import { defineTool, loadMedia, publishOnce, requireConnection } from '@neonhub/sdk';
import { blueskyAgent, PLUGIN_ID } from '../client.js';
import { toConnectorError } from '../errors.js';
import { BLUESKY_MEDIA, checkBlueskyText } from '../limits.js';

/** Runs a provider step with its errors as the shared connector errors, so publishOnce can tell a refusal from an unknown outcome. */
const mapped =
  <T>(fn: () => Promise<T>) =>
  (): Promise<T> =>
    fn().catch((err: unknown) => {
      throw toConnectorError(err);
    });

const COLLECTION = 'app.bsky.feed.post';

function urlOf(agent: AtpAgent, uri: string): string {
  const rkey = uri.split('/').pop()!;
  return `https://bsky.app/profile/${agent.session?.handle ?? agent.session?.did}/post/${rkey}`;
}

async function findPosted(agent: AtpAgent, text: string, since: Date) {
  const res = await agent.com.atproto.repo.listRecords({ repo: agent.session!.did, collection: COLLECTION, limit: 25 });
  const hit = res.data.records.find((r) => {
    const v = r.value as { text?: string; createdAt?: string };
    return v.text === text && (v.createdAt ?? '') >= since.toISOString();
  });
  return hit ? { postId: hit.uri, url: urlOf(agent, hit.uri) } : undefined;
}

export const post = defineTool({
  name: 'post',
  description:
    'Publishes a post on Bluesky as the connected account (handle + app password), with link and mention facets and up to 4 images (uploaded as blobs). Refuses text over 300 graphemes and images over 4 or 1 MB before sending. Once per idempotency key: a retry after an unknown outcome first looks for the post in the account repository.',
  sideEffect: 'external',
  input: SocialPostInputSchema,
  output: SocialPostOutputSchema,
  timeoutMs: 120_000,
  async run(a, ctx) {
    const connection = requireConnection(ctx, PLUGIN_ID);
    const text = a.link ? `${a.text}\n\n${a.link}` : a.text;
    const rt = new RichText({ text });
    checkBlueskyText(rt.graphemeLength);
    const images = await loadMedia(ctx, a.mediaUrls, BLUESKY_MEDIA);
    try {
      const agent = await blueskyAgent(ctx, connection);
      const out = await publishOnce(
        ctx,
        { text, mediaUrls: a.mediaUrls, connection: connection.id },
        {
          lookup: (since) => mapped(() => findPosted(agent, text, since))(),
          publish: mapped(async () => {
            await rt.detectFacets(agent); // links, tags, and mentions resolved to DIDs (unknown handles stay plain text)
            const blobs = [];
            for (const img of images) blobs.push((await agent.uploadBlob(img.bytes, { encoding: img.mimeType })).data.blob);
            const record = {
              $type: COLLECTION,
              text: rt.text,
              ...(rt.facets?.length ? { facets: rt.facets } : {}),
              ...(blobs.length ? { embed: { $type: 'app.bsky.embed.images', images: blobs.map((image) => ({ alt: '', image })) } } : {}),
              createdAt: new Date().toISOString(),
            };
            const res = await agent.com.atproto.repo.createRecord({ repo: agent.session!.did, collection: COLLECTION, record });
            ctx.logger.info({ postId: res.data.uri, images: blobs.length }, 'published on bluesky');
            return { postId: res.data.uri, url: urlOf(agent, res.data.uri) };
          }),
        },
      );
      return { ...out, status: 'published' as const };
    } catch (err) {
      throw toConnectorError(err);
    }
  },
});
