import { type ConnectionContext, connectorErrorFrom, credential, type MediaLimits, type ToolContext } from '@neonhub/sdk';

export const PLUGIN_ID = 'connector-mastodon';

/** What the connector needs from GET /api/v2/instance: the instance's own limits. */
export interface InstanceLimits {
  maxCharacters: number;
  charactersReservedPerUrl: number;
  media: MediaLimits;
}

/** The instance URL: the config's baseUrl (a local fake), else the connection's instanceUrl. */
export function instanceUrl(ctx: Pick<ToolContext, 'config'>, connection: ConnectionContext): string {
  const url = (typeof ctx.config.baseUrl === 'string' && ctx.config.baseUrl) || credential(connection, 'instanceUrl', PLUGIN_ID);
  return url.replace(/\/+$/, '');
}

/**
 * Reads the instance's limits through ctx.fetch. masto sends with the global fetch, so this request is also the
 * check that the instance is a host the manifest declares and the host's outbound guard allows (it throws
 * NH_SDK_HOST_NOT_ALLOWED / NH_OUTBOUND_BLOCKED otherwise) before masto talks to it.
 */
export async function instanceLimits(ctx: Pick<ToolContext, 'fetch' | 'signal'>, url: string): Promise<InstanceLimits> {
  let res: Response;
  try {
    res = await ctx.fetch(`${url}/api/v2/instance`, { signal: ctx.signal, headers: { accept: 'application/json' } });
  } catch (err) {
    if (err && typeof err === 'object' && 'code' in err) throw err;
    throw connectorErrorFrom({ provider: 'mastodon', message: `${new URL(url).host} could not be reached`, cause: err });
  }
  if (!res.ok)
    throw connectorErrorFrom({ provider: 'mastodon', status: res.status, message: `GET /api/v2/instance answered ${res.status}` });
  const info = (await res.json()) as {
    configuration?: {
      statuses?: { max_characters?: number; max_media_attachments?: number; characters_reserved_per_url?: number };
      media_attachments?: { supported_mime_types?: string[]; image_size_limit?: number };
    };
  };
  const c = info.configuration ?? {};
  return {
    maxCharacters: c.statuses?.max_characters ?? 500,
    charactersReservedPerUrl: c.statuses?.characters_reserved_per_url ?? 23,
    media: {
      network: 'mastodon',
      maxCount: c.statuses?.max_media_attachments ?? 4,
      maxBytes: c.media_attachments?.image_size_limit ?? 16 * 1024 * 1024,
      mimeTypes: (c.media_attachments?.supported_mime_types ?? ['image/jpeg', 'image/png', 'image/gif', 'image/webp']).filter((t) =>
        t.startsWith('image/'),
      ),
    },
  };
}

/** Mastodon's count: graphemes, every URL as charactersReservedPerUrl, a remote mention @user@domain as @user. */
export function mastodonLength(text: string, reservedPerUrl: number): number {
  const countable = text.replace(/https?:\/\/\S+/g, 'x'.repeat(reservedPerUrl)).replace(/(@[a-z0-9_]+)@[a-z0-9.-]+\.[a-z]+/gi, '$1');
  return [...new Intl.Segmenter().segment(countable)].length;
}
