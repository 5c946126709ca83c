import { type FakeEngagement, noEngagement } from './engagement.js';
import { bearer, createFaults, createTokenStore, type FakeRequest, type FakeResponse, serveFake } from './http.js';
import type { FakeConnection } from './webhook.js';

export interface MastodonFakeStatus {
  id: string;
  text: string;
  mediaIds: string[];
  idempotencyKey?: string;
  createdAt: string;
  /** What the instance counts on it (likes → favourites_count, shares → reblogs_count, comments → replies_count). */
  engagement: FakeEngagement;
}

/**
 * A Mastodon instance on a local port: GET /api/v2/instance (limits), verify_credentials, POST /api/v2/media
 * (multipart) + GET /api/v1/media/:id, POST /api/v1/statuses honouring Idempotency-Key, GET /api/v1/statuses/:id
 * (with its counts; 403 without read:statuses), POST /oauth/token
 * (refresh_token grant); errors as { error }; 429 with X-RateLimit-Limit/-Remaining/-Reset (ISO time).
 */
export async function startMastodonFake(opts: { port?: number; maxCharacters?: number } = {}) {
  const tokens = createTokenStore('masto');
  const faults = createFaults();
  const statuses: MastodonFakeStatus[] = [];
  const media = new Map<string, { id: string; type: string; size: number; description: string | null }>();
  const account = { id: '109348234934723049', username: 'neonhub', acct: 'neonhub', display_name: 'NeonHub' };
  const maxCharacters = opts.maxCharacters ?? 500;
  let loseAnswers = 0;
  /** Whether the tokens carry read:statuses (GET /api/v1/statuses/:id); tests turn it off. */
  const grants = { readStatuses: true };
  let server: Awaited<ReturnType<typeof serveFake>>;
  // unique and increasing, as Mastodon's ids are: a random suffix let two made in one millisecond collide or go backwards
  let seq = 0;
  const id = () => `${Date.now()}${String(++seq % 100_000).padStart(5, '0')}`;
  const attachment = (m: { id: string; type: string; description: string | null }) => ({
    id: m.id,
    type: 'image',
    url: `${server.url}/system/media_attachments/files/${m.id}/original/image.png`,
    preview_url: `${server.url}/system/media_attachments/files/${m.id}/small/image.png`,
    remote_url: null,
    text_url: null,
    meta: { original: { width: 1, height: 1, size: '1x1', aspect: 1 } },
    description: m.description,
    blurhash: 'UFAAAA',
  });
  const statusJson = (s: MastodonFakeStatus) => ({
    id: s.id,
    created_at: s.createdAt,
    in_reply_to_id: null,
    in_reply_to_account_id: null,
    sensitive: false,
    spoiler_text: '',
    visibility: 'public',
    language: 'en',
    uri: `${server.url}/users/${account.username}/statuses/${s.id}`,
    url: `${server.url}/@${account.username}/${s.id}`,
    replies_count: s.engagement.comments,
    reblogs_count: s.engagement.shares,
    favourites_count: s.engagement.likes,
    content: `<p>${s.text.replace(/&/g, '&amp;').replace(/</g, '&lt;')}</p>`,
    account: { ...account, url: `${server.url}/@${account.username}` },
    media_attachments: s.mediaIds.map((mid) => attachment(media.get(mid)!)),
    mentions: [],
    tags: [],
    emojis: [],
    card: null,
    poll: null,
  });

  function route(req: FakeRequest): FakeResponse {
    const { method, path } = req;
    if (method === 'POST' && path === '/oauth/token') {
      const body = req.json && typeof req.json === 'object' ? new URLSearchParams(req.json as Record<string, string>) : req.form;
      if (body.get('grant_type') !== 'refresh_token')
        return {
          status: 400,
          json: {
            error: 'unsupported_grant_type',
            error_description: 'The authorization grant type is not supported by the authorization server.',
          },
        };
      const pair = tokens.refresh(body.get('refresh_token') ?? '');
      if (!pair)
        return {
          status: 400,
          json: {
            error: 'invalid_grant',
            error_description:
              'The provided authorization grant is invalid, expired, revoked, does not match the redirection URI used in the authorization request, or was issued to another client.',
          },
        };
      return {
        json: {
          access_token: pair.accessToken,
          token_type: 'Bearer',
          scope: 'read:statuses write:statuses write:media read:accounts',
          created_at: Math.floor(Date.now() / 1000),
          refresh_token: pair.refreshToken,
        },
      };
    }
    if (method === 'GET' && path === '/api/v2/instance') {
      return {
        json: {
          domain: new URL(server.url).host,
          title: 'NeonHub fake instance',
          version: '4.3.0',
          configuration: {
            statuses: { max_characters: maxCharacters, max_media_attachments: 4, characters_reserved_per_url: 23 },
            media_attachments: {
              supported_mime_types: ['image/jpeg', 'image/png', 'image/gif', 'image/webp'],
              image_size_limit: 16_777_216,
              image_matrix_limit: 33_177_600,
              video_size_limit: 103_809_024,
            },
          },
        },
      };
    }
    const forced = faults.next(req);
    if (forced) return forced;
    if (!tokens.valid(bearer(req))) return { status: 401, json: { error: 'The access token is invalid' } };
    if (method === 'GET' && path === '/api/v1/accounts/verify_credentials')
      return { json: { ...account, url: `${server.url}/@${account.username}` } };
    if (method === 'POST' && path === '/api/v2/media') {
      if (!(req.headers['content-type'] ?? '').startsWith('multipart/form-data'))
        return { status: 422, json: { error: 'Validation failed: File content type is invalid, File is invalid' } };
      const m = { id: id(), type: 'image', size: req.body.length, description: null };
      media.set(m.id, m);
      return { json: attachment(m) };
    }
    const st = /^\/api\/v1\/statuses\/(\d+)$/.exec(path);
    if (method === 'GET' && st) {
      // Mastodon authorizes a status read with a token only for read or read:statuses (authorize_if_got_token!).
      if (!grants.readStatuses) return { status: 403, json: { error: 'This action is outside the authorized scopes' } };
      const s = statuses.find((x) => x.id === st[1]);
      return s ? { json: statusJson(s) } : { status: 404, json: { error: 'Record not found' } };
    }
    const mm = /^\/api\/v1\/media\/(\d+)$/.exec(path);
    if (method === 'GET' && mm) {
      const m = media.get(mm[1]!);
      return m ? { json: attachment(m) } : { status: 404, json: { error: 'Record not found' } };
    }
    if (method === 'POST' && path === '/api/v1/statuses') {
      const key = req.headers['idempotency-key'];
      const prior = key ? statuses.find((s) => s.idempotencyKey === key) : undefined;
      if (prior) return { json: statusJson(prior) };
      const body = req.json as { status?: string; media_ids?: string[] } | undefined;
      const text = body?.status ?? '';
      const countable = text.replace(/https?:\/\/\S+/g, 'x'.repeat(23));
      if ([...new Intl.Segmenter().segment(countable)].length > maxCharacters)
        return { status: 422, json: { error: `Validation failed: Text character limit of ${maxCharacters} exceeded` } };
      if (!text && !body?.media_ids?.length) return { status: 422, json: { error: "Validation failed: Text can't be blank" } };
      const mediaIds = body?.media_ids ?? [];
      if (mediaIds.some((m) => !media.has(m))) return { status: 422, json: { error: 'Validation failed: Media attachments are invalid' } };
      const s: MastodonFakeStatus = {
        id: id(),
        text,
        mediaIds,
        createdAt: new Date().toISOString(),
        engagement: noEngagement(),
        ...(key ? { idempotencyKey: key } : {}),
      };
      statuses.push(s);
      if (loseAnswers > 0) {
        loseAnswers--;
        return { status: 502, json: { error: 'Bad Gateway' } };
      }
      return { json: statusJson(s) };
    }
    return { status: 404, json: { error: 'Record not found' } };
  }

  server = await serveFake(route, opts);
  const demo = tokens.issue();
  return {
    name: 'mastodon' as const,
    url: server.url,
    requests: server.requests,
    statuses,
    account,
    grants,
    tokens,
    faults,
    /** The next `times` API requests answer 429 with Mastodon's X-RateLimit-* headers (reset 2 s ahead). */
    rateLimit: (times = 1) =>
      faults.add(
        {
          status: 429,
          json: { error: 'Too many requests' },
          headers: {
            'x-ratelimit-limit': '300',
            'x-ratelimit-remaining': '0',
            'x-ratelimit-reset': new Date(Date.now() + 2000).toISOString(),
          },
        },
        { times },
      ),
    /** The next `times` statuses are stored but answered 502: the client cannot tell whether they went out. */
    loseAnswers: (times = 1) => {
      loseAnswers += times;
    },
    /** How a connection of the connector reaches this fake (NEONHUB_CONNECTORS=local-fakes, tests): plugin config and credentials. */
    connection: {
      plugin: 'connector-mastodon',
      config: { baseUrl: server.url },
      credentials: { instanceUrl: server.url, accessToken: demo.accessToken },
      account: { id: account.id, name: account.acct },
    } satisfies FakeConnection,
    close: server.close,
  };
}
export type MastodonFake = Awaited<ReturnType<typeof startMastodonFake>>;
