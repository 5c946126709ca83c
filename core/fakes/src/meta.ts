import { randomInt } from 'node:crypto';
import { type FakeEngagement, noEngagement } from './engagement.js';
import { createFaults, createTokenStore, type FakeRequest, type FakeResponse, hmacSha256, serveFake } from './http.js';
import type { FakeConnection } from './webhook.js';

export interface MetaFakePost {
  id: string;
  network: 'facebook' | 'instagram';
  text: string;
  imageUrls: string[];
  uploads: number;
  createdAt: string;
  /** What Meta counts on it (Page post fields and insights; Instagram media fields and insights). */
  engagement: FakeEngagement;
}

const graphError = (
  status: number,
  code: number,
  message: string,
  type = 'OAuthException',
  subcode?: number,
  headers?: Record<string, string>,
): FakeResponse => ({
  status,
  json: {
    error: { message, type, code, ...(subcode !== undefined ? { error_subcode: subcode } : {}), fbtrace_id: `A${randomInt(1e9, 9e9)}` },
  },
  ...(headers ? { headers } : {}),
});

/**
 * Meta's Graph API on a local port for one Facebook Page and its Instagram professional account: POST
 * /{ver}/{page}/feed, /{page}/photos (url or multipart source; published=false for attached_media),
 * GET /{page}?fields=access_token, GET /{page}/feed; POST /{ig}/media (image_url, caption; carousels),
 * /{ig}/media_publish, GET /{media}?fields=permalink, GET /{ig}/media; GET /?ids=…&fields=… (multi-id
 * read with the posts' counts and insights.metric(…)); GET /oauth/access_token (fb_exchange_token);
 * errors as { error: { message, type, code, error_subcode, fbtrace_id } }; throttling as code 32/4 with
 * X-Business-Use-Case-Usage; webhooks signed with X-Hub-Signature-256 (sign()).
 */
export async function startMetaFake(opts: { port?: number; appId?: string; appSecret?: string } = {}) {
  const tokens = createTokenStore('meta');
  const faults = createFaults();
  const posts: MetaFakePost[] = [];
  const page = { id: '104857600000001', name: 'NeonHub Test Page', accessToken: '' };
  const ig = { id: '17841400000000001', username: 'neonhub.test' };
  const appId = opts.appId ?? 'meta-app-id';
  const appSecret = opts.appSecret ?? 'meta-app-secret';
  const photos = new Map<string, { url?: string; bytes?: number; published: boolean }>();
  const containers = new Map<string, { imageUrl?: string; caption?: string; children?: string[]; carouselItem: boolean }>();
  let loseAnswers = 0;
  /** Whether the token may read insights (read_insights, instagram_manage_insights); tests turn it off. */
  const grants = { insights: true };
  // unique, as Graph ids are: a random suffix let two objects made in one millisecond share an id (1 in 9,000)
  let seq = 0;
  const id = () => `${Date.now()}${String(1000 + (++seq % 9000))}`;
  const params = (req: FakeRequest) => {
    const p = new URLSearchParams(req.query);
    const body = req.json && typeof req.json === 'object' ? Object.entries(req.json as Record<string, unknown>) : [...req.form.entries()];
    for (const [k, v] of body) p.set(k, typeof v === 'string' ? v : JSON.stringify(v));
    if ((req.headers['content-type'] ?? '').startsWith('multipart/form-data')) {
      // Minimal multipart reading: the text fields (name="x"\r\n\r\nvalue) and whether a file part came.
      const text = req.body.toString('latin1');
      for (const m of text.matchAll(/name="([^"]+)"\r\n\r\n([^\r]*)\r\n/g)) p.set(m[1]!, m[2]!);
      if (/name="source"; filename=/.test(text)) p.set('__source_bytes', String(req.body.length));
    }
    return p;
  };
  const token = (req: FakeRequest, p: URLSearchParams) =>
    p.get('access_token') ?? /^Bearer\s+(.+)$/i.exec(req.headers.authorization ?? '')?.[1];
  const publish = (post: Omit<MetaFakePost, 'engagement'>): FakeResponse | undefined => {
    posts.push({ ...post, engagement: noEngagement() });
    if (loseAnswers > 0) {
      loseAnswers--;
      return graphError(500, 2, 'An unexpected error has occurred. Please retry your request later.', 'OAuthException');
    }
    return undefined;
  };

  /** One object of a multi-id read: the fields asked for (Page post or Instagram media), insights as a field expansion. */
  function objectFields(x: MetaFakePost, fields: string) {
    const e = x.engagement;
    const insight = (name: string, value: number) => ({
      name,
      period: 'lifetime',
      values: [{ value }],
      id: `${x.id}/insights/${name}/lifetime`,
    });
    const metrics = /insights\.metric\(([^)]*)\)/.exec(fields)?.[1]?.split(',') ?? [];
    const values: Record<string, number> = {
      post_impressions: e.impressions,
      post_clicks: e.clicks,
      views: e.impressions,
      shares: e.shares,
    };
    const out: Record<string, unknown> = { id: x.id };
    if (metrics.length) out.insights = { data: metrics.filter((m) => m in values).map((m) => insight(m, values[m]!)) };
    if (x.network === 'facebook') {
      if (/(^|,)shares(,|$)/.test(fields) && e.shares > 0) out.shares = { count: e.shares };
      if (fields.includes('reactions.summary')) out.reactions = { data: [], summary: { total_count: e.likes, viewer_reaction: 'NONE' } };
      if (fields.includes('comments.summary'))
        out.comments = { data: [], summary: { order: 'ranked', total_count: e.comments, can_comment: true } };
    } else {
      if (fields.includes('like_count')) out.like_count = e.likes;
      if (fields.includes('comments_count')) out.comments_count = e.comments;
    }
    return out;
  }

  /** GET /?ids=a,b&fields=…: Graph's multi-id read (at most 50 ids); an unknown id fails the whole request, as Graph does. */
  function multiRead(p: URLSearchParams): FakeResponse {
    const ids = (p.get('ids') ?? '').split(',').filter(Boolean);
    if (ids.length > 50) return graphError(400, 100, '(#100) Too many IDs. Maximum: 50. Provided: ' + ids.length, 'OAuthException');
    const fields = p.get('fields') ?? '';
    if (fields.includes('insights') && !grants.insights)
      return graphError(403, 10, '(#10) Application does not have permission for this action', 'OAuthException');
    const out: Record<string, unknown> = {};
    for (const i of ids) {
      const x = posts.find((q) => q.id === i);
      if (!x) return graphError(400, 100, `(#100) Some of the aliases you requested do not exist: ${i}`, 'OAuthException');
      out[i] = objectFields(x, fields);
    }
    return { json: out };
  }

  function route(req: FakeRequest): FakeResponse {
    const p = params(req);
    const path = req.path.replace(/^\/v\d+\.\d+/, '');
    if (req.method === 'GET' && path === '/oauth/access_token') {
      if (p.get('client_id') !== appId || p.get('client_secret') !== appSecret)
        return graphError(400, 1, 'Error validating client secret.');
      if (p.get('grant_type') !== 'fb_exchange_token' || !tokens.valid(p.get('fb_exchange_token') ?? undefined)) {
        return graphError(400, 190, 'Error validating access token: Session has expired.', 'OAuthException', 463);
      }
      const pair = tokens.issue();
      return { json: { access_token: pair.accessToken, token_type: 'bearer', expires_in: 5_183_944 } };
    }
    const forced = faults.next(req);
    if (forced) return forced;
    const t = token(req, p);
    if (!tokens.valid(t) && t !== page.accessToken) {
      return t?.startsWith('meta-at-') || t?.startsWith('meta-page-')
        ? graphError(
            400,
            190,
            'Error validating access token: Session has expired on Sunday, 06-Dec-26 05:00:00 PST.',
            'OAuthException',
            463,
          )
        : graphError(400, 190, 'Invalid OAuth access token - Cannot parse access token', 'OAuthException');
    }
    const pagePosting = (p: string) => p === `/${page.id}/feed` || p === `/${page.id}/photos`;
    if (pagePosting(path) && req.method === 'POST' && t !== page.accessToken) {
      return graphError(
        403,
        200,
        '(#200) If posting to a page, requires both pages_read_engagement and pages_manage_posts as an admin with sufficient administrative permission',
        'OAuthException',
      );
    }
    if (req.method === 'GET' && path === `/${page.id}` && (p.get('fields') ?? '').includes('access_token')) {
      page.accessToken = `meta-page-${id()}`;
      return { json: { access_token: page.accessToken, id: page.id, name: page.name } };
    }
    if (req.method === 'POST' && path === `/${page.id}/photos`) {
      const url = p.get('url') ?? undefined;
      const bytes = p.get('__source_bytes');
      if (!url && !bytes) return graphError(400, 324, '(#324) Requires upload file', 'OAuthException');
      const photoId = id();
      const published = p.get('published') !== 'false';
      photos.set(photoId, { ...(url ? { url } : {}), ...(bytes ? { bytes: Number(bytes) } : {}), published });
      if (!published) return { json: { id: photoId } };
      const postId = `${page.id}_${id()}`;
      const lost = publish({
        id: postId,
        network: 'facebook',
        text: p.get('message') ?? p.get('caption') ?? '',
        imageUrls: url ? [url] : [],
        uploads: bytes ? 1 : 0,
        createdAt: new Date().toISOString(),
      });
      return lost ?? { json: { id: photoId, post_id: postId } };
    }
    if (req.method === 'POST' && path === `/${page.id}/feed`) {
      const message = p.get('message') ?? '';
      const attached = JSON.parse(p.get('attached_media') ?? '[]') as Array<{ media_fbid: string }>;
      if (!message && !p.get('link') && attached.length === 0)
        return graphError(400, 100, '(#100) Missing message or attachment', 'OAuthException');
      if (attached.some((a) => !photos.has(a.media_fbid))) return graphError(400, 100, '(#100) Invalid attached_media', 'OAuthException');
      const postId = `${page.id}_${id()}`;
      const lost = publish({
        id: postId,
        network: 'facebook',
        text: message,
        imageUrls: attached.map((a) => photos.get(a.media_fbid)!.url ?? 'upload'),
        uploads: attached.filter((a) => photos.get(a.media_fbid)!.bytes).length,
        createdAt: new Date().toISOString(),
      });
      return lost ?? { json: { id: postId } };
    }
    if (req.method === 'GET' && (path === `/${page.id}/feed` || path === `/${page.id}/published_posts`)) {
      return {
        json: {
          data: posts
            .filter((x) => x.network === 'facebook')
            .reverse()
            .map((x) => ({ id: x.id, message: x.text, created_time: x.createdAt.replace(/\.\d+Z$/, '+0000') })),
        },
      };
    }
    if (req.method === 'POST' && path === `/${ig.id}/media`) {
      const children = p.get('children')?.split(',');
      if (p.get('media_type') === 'CAROUSEL') {
        if (!children || children.some((c) => !containers.get(c)?.carouselItem))
          return graphError(400, 100, 'Invalid parameter', 'OAuthException', 2207026);
        const cid = id();
        containers.set(cid, { ...(p.get('caption') ? { caption: p.get('caption')! } : {}), children, carouselItem: false });
        return { json: { id: cid } };
      }
      const imageUrl = p.get('image_url');
      if (!imageUrl) return graphError(400, 100, 'The parameter image_url is required.', 'OAuthException', 2207026);
      if (!/\.jpe?g(\?|$)/i.test(imageUrl))
        return graphError(400, 9004, 'Only photo or video can be accepted as media type.', 'OAuthException', 2207052);
      const cid = id();
      containers.set(cid, {
        imageUrl,
        ...(p.get('caption') ? { caption: p.get('caption')! } : {}),
        carouselItem: p.get('is_carousel_item') === 'true',
      });
      return { json: { id: cid } };
    }
    if (req.method === 'POST' && path === `/${ig.id}/media_publish`) {
      const c = containers.get(p.get('creation_id') ?? '');
      if (!c || c.carouselItem) return graphError(400, 100, 'Media ID is not available', 'OAuthException', 2207027);
      const mediaId = id();
      const urls = c.children ? c.children.map((ch) => containers.get(ch)!.imageUrl!) : [c.imageUrl!];
      const lost = publish({
        id: mediaId,
        network: 'instagram',
        text: c.caption ?? '',
        imageUrls: urls,
        uploads: 0,
        createdAt: new Date().toISOString(),
      });
      return lost ?? { json: { id: mediaId } };
    }
    if (req.method === 'GET' && path === `/${ig.id}/media`) {
      return {
        json: {
          data: posts
            .filter((x) => x.network === 'instagram')
            .reverse()
            .map((x) => ({
              id: x.id,
              caption: x.text,
              timestamp: x.createdAt.replace(/\.\d+Z$/, '+0000'),
              permalink: `https://www.instagram.com/p/${x.id}/`,
            })),
        },
      };
    }
    if (req.method === 'GET' && (path === '/' || path === '') && p.get('ids')) return multiRead(p);
    const media = /^\/(\d+)$/.exec(path);
    if (req.method === 'GET' && media) {
      const m = posts.find((x) => x.id === media[1]);
      return m
        ? { json: { id: m.id, permalink: `https://www.instagram.com/p/${m.id}/` } }
        : graphError(400, 100, `Unsupported get request. Object with ID '${media[1]}' does not exist`, 'GraphMethodException', 33);
    }
    return graphError(400, 100, `Unknown path components: ${req.path}`, 'OAuthException', 2500);
  }

  const server = await serveFake(route, opts);
  const demo = tokens.issue();
  return {
    name: 'meta' as const,
    url: server.url,
    requests: server.requests,
    posts,
    page,
    ig,
    grants,
    tokens,
    faults,
    appId,
    appSecret,
    /** The next `times` requests are throttled as a Page is: code 32 with X-Business-Use-Case-Usage (regain in 1 minute). */
    rateLimit: (times = 1) =>
      faults.add(
        graphError(400, 32, 'Page request limit reached', 'OAuthException', undefined, {
          'x-business-use-case-usage': JSON.stringify({
            [page.id]: [{ type: 'pages', call_count: 100, total_cputime: 30, total_time: 40, estimated_time_to_regain_access: 1 }],
          }),
        }),
        { times },
      ),
    /** The next `times` posts are stored but answered 500: the client cannot tell whether they went out. */
    loseAnswers: (times = 1) => {
      loseAnswers += times;
    },
    /** The headers Meta sends with a webhook delivery: X-Hub-Signature-256 = sha256=HMAC-SHA256(app secret, raw body). */
    sign: (body: string) => ({ 'x-hub-signature-256': `sha256=${hmacSha256(appSecret, body, 'hex')}`, 'content-type': 'application/json' }),
    /** How a connection of the connector reaches this fake (NEONHUB_CONNECTORS=local-fakes, tests): plugin config and credentials. */
    connection: {
      plugin: 'connector-meta',
      config: { baseUrl: server.url },
      credentials: { accessToken: demo.accessToken, pageId: page.id, instagramAccountId: ig.id, appSecret },
      account: { id: page.id, name: page.name },
    } satisfies FakeConnection,
    close: server.close,
  };
}
export type MetaFake = Awaited<ReturnType<typeof startMetaFake>>;
