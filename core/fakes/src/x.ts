import { randomInt } from 'node:crypto';
import { type FakeEngagement, noEngagement } from './engagement.js';
import { bearer, createFaults, createTokenStore, type FakeRequest, type FakeResponse, serveFake } from './http.js';
import type { FakeConnection } from './webhook.js';

/** A post the fake X accepted. */
export interface XFakePost {
  id: string;
  text: string;
  authorId: string;
  mediaIds: string[];
  createdAt: string;
  /** What X counts on it (GET /2/tweets public_metrics and, for the author, non_public_metrics). */
  engagement: FakeEngagement;
}

const problem = (status: number, title: string, detail: string, headers?: Record<string, string>): FakeResponse => ({
  status,
  json: { title, detail, type: 'about:blank', status },
  ...(headers ? { headers } : {}),
});

const snowflake = () => `${Date.now() - 1288834974657}${String(randomInt(0, 4_194_304)).padStart(7, '0')}`;

/**
 * X API v2 on a local port: OAuth 2.0 bearer user tokens (POST /2/oauth2/token refreshes them), chunked media upload
 * (POST /2/media/upload/initialize, /{id}/append multipart, /{id}/finalize), POST /2/tweets, GET /2/users/me,
 * GET /2/users/:id/tweets and GET /2/tweets?ids= (public and non-public metrics); errors as X's problem+json; 429 with x-rate-limit-limit/-remaining/-reset.
 */
export async function startXFake(opts: { port?: number; clientId?: string; clientSecret?: string } = {}) {
  const tokens = createTokenStore('x');
  const faults = createFaults();
  const posts: XFakePost[] = [];
  const media = new Map<string, { type: string; total: number; received: number; finalized: boolean }>();
  /** Tweets to accept and then answer 503 (the outcome a client cannot know: a timeout after the write). */
  let loseAnswers = 0;
  const user = { id: '1612345678901234567', name: 'NeonHub Test', username: 'neonhub_test' };
  const clientId = opts.clientId ?? 'x-client-id';
  const clientSecret = opts.clientSecret ?? 'x-client-secret';

  const rateLimited = (): FakeResponse =>
    problem(429, 'Too Many Requests', 'Too Many Requests', {
      'x-rate-limit-limit': '100',
      'x-rate-limit-remaining': '0',
      'x-rate-limit-reset': String(Math.floor(Date.now() / 1000) + 2),
    });

  /** X's token endpoint takes form or JSON bodies (twitter-api-v2 sends JSON), client credentials by Basic auth or in the body. */
  function token(req: FakeRequest): FakeResponse {
    const body = req.json && typeof req.json === 'object' ? new URLSearchParams(req.json as Record<string, string>) : req.form;
    const basic = Buffer.from(`${clientId}:${clientSecret}`).toString('base64');
    const inBody = body.get('client_id') === clientId && (body.get('client_secret') ?? clientSecret) === clientSecret;
    if (req.headers.authorization !== `Basic ${basic}` && !inBody)
      return { status: 401, json: { error: 'unauthorized_client', error_description: 'Missing valid authorization header' } };
    if (body.get('grant_type') !== 'refresh_token')
      return { status: 400, json: { error: 'invalid_request', error_description: 'Value passed for the grant type was invalid.' } };
    const pair = tokens.refresh(body.get('refresh_token') ?? '');
    if (!pair) return { status: 400, json: { error: 'invalid_request', error_description: 'Value passed for the token was invalid.' } };
    return {
      json: {
        token_type: 'bearer',
        expires_in: 7200,
        access_token: pair.accessToken,
        scope: 'tweet.read tweet.write users.read media.write offline.access',
        refresh_token: pair.refreshToken,
      },
    };
  }

  /**
   * GET /2/tweets?ids=…&tweet.fields=…: public_metrics for any tweet; non_public_metrics (impressions, url_link_clicks)
   * only for the author's own tweets of the last 30 days, else the whole request is refused (403) as X does.
   * Unknown ids come back in `errors` as X's Not Found Error (resource_type tweet).
   */
  function lookup(req: FakeRequest): FakeResponse {
    const ids = (req.query.get('ids') ?? '').split(',').filter(Boolean);
    if (ids.length === 0 || ids.length > 100)
      return problem(400, 'Invalid Request', 'The `ids` query parameter value must be 1 to 100 ids.');
    const fields = (req.query.get('tweet.fields') ?? '').split(',');
    const found = ids.map((id) => posts.find((p) => p.id === id));
    const monthAgo = new Date(Date.now() - 30 * 86_400_000).toISOString();
    if (fields.includes('non_public_metrics') && found.some((p) => p && (p.authorId !== user.id || p.createdAt < monthAgo)))
      return problem(403, 'Forbidden', 'Sorry, you are not authorized to access non_public_metrics on a Tweet.');
    const data = found.flatMap((p) =>
      p
        ? [
            {
              id: p.id,
              text: p.text,
              edit_history_tweet_ids: [p.id],
              ...(fields.includes('public_metrics')
                ? {
                    public_metrics: {
                      retweet_count: p.engagement.shares,
                      reply_count: p.engagement.comments,
                      like_count: p.engagement.likes,
                      quote_count: p.engagement.quotes,
                      bookmark_count: 0,
                      impression_count: p.engagement.impressions,
                    },
                  }
                : {}),
              ...(fields.includes('non_public_metrics')
                ? {
                    non_public_metrics: {
                      impression_count: p.engagement.impressions,
                      url_link_clicks: p.engagement.clicks,
                      user_profile_clicks: 0,
                    },
                  }
                : {}),
            },
          ]
        : [],
    );
    const errors = ids
      .filter((_, i) => !found[i])
      .map((id) => ({
        value: id,
        detail: `Could not find tweet with ids: [${id}].`,
        title: 'Not Found Error',
        resource_type: 'tweet',
        parameter: 'ids',
        resource_id: id,
        type: 'https://api.twitter.com/2/problems/resource-not-found',
      }));
    return { json: { ...(data.length ? { data } : {}), ...(errors.length ? { errors } : {}) } };
  }

  function route(req: FakeRequest): FakeResponse {
    const { method, path } = req;
    if (method === 'POST' && path === '/2/oauth2/token') return token(req);
    const forced = faults.next(req);
    if (forced) return forced;
    if (!tokens.valid(bearer(req))) return problem(401, 'Unauthorized', 'Unauthorized');
    if (method === 'GET' && path === '/2/users/me') return { json: { data: user } };
    if (method === 'POST' && path === '/2/media/upload/initialize') {
      const body = req.json as { media_type?: string; total_bytes?: number } | undefined;
      if (!body?.media_type || !body.total_bytes)
        return problem(400, 'Invalid Request', 'One or more parameters to your request was invalid.');
      const id = snowflake();
      media.set(id, { type: body.media_type, total: body.total_bytes, received: 0, finalized: false });
      return { json: { data: { id, media_key: `3_${id}`, expires_after_secs: 86400 } } };
    }
    const m = /^\/2\/media\/upload\/(\d+)\/(append|finalize)$/.exec(path);
    if (method === 'POST' && m) {
      const item = media.get(m[1]!);
      if (!item) return problem(400, 'Invalid Request', `media ${m[1]} not found`);
      if (m[2] === 'append') {
        if (!(req.headers['content-type'] ?? '').startsWith('multipart/form-data'))
          return problem(400, 'Invalid Request', 'append takes multipart/form-data');
        // The segment's bytes are the multipart part "media": count the body minus the boundaries' overhead roughly.
        item.received = item.total;
        return { json: { data: { expires_at: Math.floor(Date.now() / 1000) + 86400 } } };
      }
      if (item.received < item.total) return problem(400, 'Invalid Request', 'media upload is incomplete');
      item.finalized = true;
      return { json: { data: { id: m[1], media_key: `3_${m[1]}`, size: item.total, expires_after_secs: 86400 } } };
    }
    if (method === 'POST' && path === '/2/tweets') {
      const body = req.json as { text?: string; media?: { media_ids?: string[] } } | undefined;
      if (!body?.text && !body?.media) return problem(400, 'Invalid Request', 'One or more parameters to your request was invalid.');
      const mediaIds = body.media?.media_ids ?? [];
      if (mediaIds.some((id) => !media.get(id)?.finalized)) return problem(400, 'Invalid Request', 'Your media IDs are invalid.');
      if (posts.some((p) => p.text === body.text))
        return problem(403, 'Forbidden', 'You are not allowed to create a Tweet with duplicate content.');
      const post: XFakePost = {
        id: snowflake(),
        text: body.text ?? '',
        authorId: user.id,
        mediaIds,
        createdAt: new Date().toISOString(),
        engagement: noEngagement(),
      };
      posts.push(post);
      if (loseAnswers > 0) {
        loseAnswers--;
        return problem(503, 'Service Unavailable', 'Service Unavailable');
      }
      return { status: 201, json: { data: { id: post.id, text: post.text, edit_history_tweet_ids: [post.id] } } };
    }
    if (method === 'GET' && path === '/2/tweets') return lookup(req);
    const timeline = /^\/2\/users\/(\d+)\/tweets$/.exec(path);
    if (method === 'GET' && timeline) {
      const since = req.query.get('start_time');
      const found = posts
        .filter((p) => p.authorId === timeline[1] && (!since || p.createdAt >= since))
        .reverse()
        .slice(0, Number(req.query.get('max_results') ?? 10));
      return {
        json: {
          data: found.map((p) => ({ id: p.id, text: p.text, created_at: p.createdAt, edit_history_tweet_ids: [p.id] })),
          meta: { result_count: found.length, ...(found[0] ? { newest_id: found[0].id, oldest_id: found.at(-1)!.id } : {}) },
        },
      };
    }
    return problem(404, 'Not Found Error', `no route ${method} ${path}`);
  }

  const server = await serveFake(route, opts);
  const demo = tokens.issue();
  return {
    name: 'x' as const,
    url: server.url,
    requests: server.requests,
    posts,
    user,
    clientId,
    clientSecret,
    tokens,
    faults,
    /** The next `times` API requests answer 429 with X's rate-limit headers (reset 2 s ahead). */
    rateLimit: (times = 1) => faults.add(rateLimited(), { times }),
    /** The next `times` posts are stored but answered 503: the client cannot tell whether they went out. */
    loseAnswers: (times = 1) => {
      loseAnswers += times;
    },
    /** How a connection of the connector reaches this fake (NEONHUB_CONNECTORS=local-fakes, tests): plugin config and credentials. */
    connection: {
      plugin: 'connector-x',
      config: { baseUrl: server.url },
      credentials: { accessToken: demo.accessToken, refreshToken: demo.refreshToken },
      account: { id: user.id, name: user.username },
    } satisfies FakeConnection,
    close: server.close,
  };
}
export type XFake = Awaited<ReturnType<typeof startXFake>>;
