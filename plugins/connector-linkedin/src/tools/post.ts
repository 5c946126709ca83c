import { SocialPostInputSchema, SocialPostOutputSchema } from '@neonhub/schemas';
import { type ConnectionContext, defineTool, loadMedia, publishOnce, requireConnection, type ToolContext } from '@neonhub/sdk';
import type { RestliClient } from 'linkedin-api-client';
import { accessToken, LINKEDIN_VERSION, linkedinClient, PLUGIN_ID } from '../client.js';
import { toConnectorError } from '../errors.js';
import { checkLinkedInText, LINKEDIN_MEDIA, littleText } from '../limits.js';

/** Runs a provider step with its errors as the shared connector errors, so publishOnce can tell a refusal from an unknown outcome. */
const mapped =
  <T>(fn: () => Promise<T>) =>
  (): Promise<T> =>
    fn().catch((err: unknown) => {
      throw toConnectorError(err);
    });

/** Who posts: the connection's organization URN when set, else the member (its OpenID sub, asked once when unknown). */
async function authorOf(client: RestliClient, connection: ConnectionContext): Promise<string> {
  const org = connection.credentials.organizationUrn;
  if (org) return org;
  if (connection.account?.id) return `urn:li:person:${connection.account.id}`;
  const me = await client.get({ resourcePath: '/userinfo', accessToken: accessToken(connection) });
  return `urn:li:person:${(me.data as { sub: string }).sub}`;
}

async function uploadImage(
  ctx: Pick<ToolContext, 'fetch' | 'signal'>,
  client: RestliClient,
  token: string,
  owner: string,
  bytes: Uint8Array,
  type: string,
) {
  const init = await client.action({
    resourcePath: '/images',
    actionName: 'initializeUpload',
    data: { initializeUploadRequest: { owner } },
    versionString: LINKEDIN_VERSION,
    accessToken: token,
  });
  const { uploadUrl, image } = (init.data as { value: { uploadUrl: string; image: string } }).value;
  const put = await ctx.fetch(uploadUrl, {
    method: 'PUT',
    headers: { authorization: `Bearer ${token}`, 'content-type': type },
    body: new Uint8Array(bytes),
    signal: ctx.signal,
  });
  if (!put.ok)
    throw Object.assign(new Error(`image upload answered ${put.status}`), {
      response: { status: put.status, data: await put.text(), headers: {} },
    });
  return image;
}

export const post = defineTool({
  name: 'post',
  description:
    "Publishes a post on LinkedIn as the connected member (or the organization set on the connection) through the Posts API, with images through the Images API (one, or 2–20 as a multi-image post). Refuses commentary over 3000 characters and media over LinkedIn's limits before sending. Once per idempotency key: LinkedIn has no idempotency key, so a retry after an unknown outcome first looks for the post among the author's posts.",
  sideEffect: 'external',
  input: SocialPostInputSchema,
  output: SocialPostOutputSchema,
  timeoutMs: 180_000,
  async run(a, ctx) {
    const connection = requireConnection(ctx, PLUGIN_ID);
    const text = a.link ? `${a.text}\n\n${a.link}` : a.text;
    checkLinkedInText(text);
    const images = await loadMedia(ctx, a.mediaUrls, LINKEDIN_MEDIA);
    const client = linkedinClient(ctx);
    const token = accessToken(connection);
    const commentary = littleText(text);
    try {
      const author = await authorOf(client, connection);
      const out = await publishOnce(
        ctx,
        { text, mediaUrls: a.mediaUrls, author },
        {
          lookup: mapped(async () => {
            const res = await client.finder({
              resourcePath: '/posts',
              finderName: 'author',
              queryParams: { author, count: 20, sortBy: 'LAST_MODIFIED' },
              versionString: LINKEDIN_VERSION,
              accessToken: token,
            });
            const hit = (res.data as { elements?: Array<{ id: string; commentary?: string }> }).elements?.find(
              (p) => p.commentary === commentary,
            );
            return hit ? { postId: hit.id, url: `https://www.linkedin.com/feed/update/${hit.id}/` } : undefined;
          }),
          publish: mapped(async () => {
            const ids: string[] = [];
            for (const img of images) ids.push(await uploadImage(ctx, client, token, author, img.bytes, img.mimeType));
            const content =
              ids.length === 1
                ? { media: { id: ids[0] } }
                : ids.length > 1
                  ? { multiImage: { images: ids.map((id) => ({ id, altText: '' })) } }
                  : undefined;
            const res = await client.create({
              resourcePath: '/posts',
              entity: {
                author,
                commentary,
                visibility: 'PUBLIC',
                distribution: { feedDistribution: 'MAIN_FEED', targetEntities: [], thirdPartyDistributionChannels: [] },
                ...(content ? { content } : {}),
                lifecycleState: 'PUBLISHED',
                isReshareDisabledByAuthor: false,
              },
              versionString: LINKEDIN_VERSION,
              accessToken: token,
            });
            const urn = res.createdEntityId as string;
            ctx.logger.info({ postId: urn, images: ids.length }, 'published on linkedin');
            return { postId: urn, url: `https://www.linkedin.com/feed/update/${urn}/` };
          }),
        },
      );
      return { ...out, status: 'published' as const };
    } catch (err) {
      throw toConnectorError(err);
    }
  },
});
