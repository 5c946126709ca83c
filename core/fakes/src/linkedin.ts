import { randomInt } from 'node:crypto';
import { type FakeEngagement, noEngagement } from './engagement.js';
import { bearer, createFaults, createTokenStore, type FakeRequest, type FakeResponse, serveFake } from './http.js';
import type { FakeConnection } from './webhook.js';

export interface LinkedInFakePost {
  urn: string;
  author: string;
  commentary: string;
  imageUrns: string[];
  version: string;
  createdAt: number;
  /** What LinkedIn counts on it (socialActions for a member; organizationalEntityShareStatistics for a page). */
  engagement: FakeEngagement;
}

/** A Rest.li 2.0 list parameter, List(a,b) with its items URL-encoded, as items. */
const restliList = (raw: string | null): string[] => {
  const m = /^List\((.*)\)$/.exec(raw ?? '');
  return m?.[1] ? m[1].split(',').map((v) => decodeURIComponent(v)) : [];
};

const liError = (status: number, code: string, message: string, serviceErrorCode?: number): FakeResponse => ({
  status,
  json: { status, code, message, ...(serviceErrorCode !== undefined ? { serviceErrorCode } : {}) },
});

/**
 * LinkedIn's versioned REST API on a local port: POST /rest/images?action=initializeUpload, PUT of the image bytes
 * to the returned upload URL, POST /rest/posts (201, x-restli-id: urn:li:share:...), GET /rest/posts?q=author,
 * GET /rest/socialActions?ids=List(…) (BATCH_GET), GET /rest/organizationalEntityShareStatistics?q=organizationalEntity,
 * GET /v2/userinfo; requires LinkedIn-Version and X-Restli-Protocol-Version headers; errors as
 * { status, code, message, serviceErrorCode }; 429 throttles without Retry-After; POST /oauth/v2/accessToken refresh.
 */
export async function startLinkedInFake(opts: { port?: number; clientId?: string; clientSecret?: string } = {}) {
  const tokens = createTokenStore('li');
  const faults = createFaults();
  const posts: LinkedInFakePost[] = [];
  const images = new Map<string, { owner: string; bytes?: Buffer; contentType?: string }>();
  const member = { sub: 'AbC123xYz', name: 'NeonHub Tester' };
  const clientId = opts.clientId ?? 'li-client-id';
  const clientSecret = opts.clientSecret ?? 'li-client-secret';
  let loseAnswers = 0;
  let shareSeq = 0;
  /** The permissions the tokens carry: r_member_social (socialActions), rw_organization_admin (share statistics). */
  const grants = { memberSocial: true, organizationAdmin: true };
  let server: Awaited<ReturnType<typeof serveFake>>;

  function route(req: FakeRequest): FakeResponse {
    const { method, path } = req;
    if (method === 'POST' && path === '/oauth/v2/accessToken') {
      const f = req.form;
      if (f.get('client_id') !== clientId || f.get('client_secret') !== clientSecret)
        return { status: 401, json: { error: 'invalid_client', error_description: 'Client authentication failed' } };
      const pair = f.get('grant_type') === 'refresh_token' ? tokens.refresh(f.get('refresh_token') ?? '') : undefined;
      if (!pair)
        return {
          status: 400,
          json: {
            error: 'invalid_request',
            error_description: 'The provided authorization grant or refresh token is invalid, expired or revoked',
          },
        };
      return {
        json: {
          access_token: pair.accessToken,
          expires_in: 5_184_000,
          refresh_token: pair.refreshToken,
          refresh_token_expires_in: 31_536_000,
          scope: 'openid,profile,w_member_social',
        },
      };
    }
    const forced = faults.next(req);
    if (forced) return forced;
    const token = bearer(req);
    if (!tokens.valid(token)) {
      return token?.startsWith('li-at-')
        ? liError(401, 'EXPIRED_ACCESS_TOKEN', 'The token used in the request has expired', 65601)
        : liError(401, 'INVALID_ACCESS_TOKEN', 'Invalid access token', 65600);
    }
    const upload = /^\/dms-uploads\/(.+)$/.exec(path);
    if (method === 'PUT' && upload) {
      const img = images.get(decodeURIComponent(upload[1]!));
      if (!img) return { status: 404, body: '' };
      img.bytes = req.body;
      img.contentType = req.headers['content-type'] ?? 'application/octet-stream';
      return { status: 201, body: '' };
    }
    if (method === 'GET' && path === '/v2/userinfo')
      return { json: { sub: member.sub, name: member.name, email_verified: true, locale: { country: 'US', language: 'en' } } };
    if (path.startsWith('/rest/')) {
      const version = req.headers['linkedin-version'];
      if (!version || !/^\d{6}(\.\d{2})?$/.test(version))
        return liError(426, 'NONEXISTENT_VERSION', `Requested version ${version ?? '(none)'} is not active`);
      if (req.headers['x-restli-protocol-version'] !== '2.0.0')
        return liError(400, 'BAD_REQUEST', 'X-Restli-Protocol-Version 2.0.0 is required');
    }
    if (method === 'POST' && path === '/rest/images' && req.query.get('action') === 'initializeUpload') {
      const owner = (req.json as { initializeUploadRequest?: { owner?: string } } | undefined)?.initializeUploadRequest?.owner;
      if (!owner?.startsWith('urn:li:'))
        return liError(422, 'UNPROCESSABLE_ENTITY', 'initializeUploadRequest.owner must be a person or organization URN');
      const urn = `urn:li:image:D4E10AQ${randomInt(1e9, 9e9)}`;
      images.set(urn, { owner });
      return {
        json: {
          value: {
            uploadUrlExpiresAt: Date.now() + 86_400_000,
            uploadUrl: `${server.url}/dms-uploads/${encodeURIComponent(urn)}`,
            image: urn,
          },
        },
      };
    }
    if (method === 'POST' && path === '/rest/posts') {
      const body = req.json as
        | {
            author?: string;
            commentary?: string;
            lifecycleState?: string;
            visibility?: string;
            distribution?: unknown;
            content?: { media?: { id: string }; multiImage?: { images: Array<{ id: string }> } };
          }
        | undefined;
      if (!body?.author || body.lifecycleState !== 'PUBLISHED' || !body.visibility || !body.distribution)
        return liError(422, 'UNPROCESSABLE_ENTITY', 'ERROR :: /author :: field is required but not found and has no default value');
      if ((body.commentary ?? '').length > 3000)
        return liError(422, 'UNPROCESSABLE_ENTITY', 'ERROR :: /commentary :: length of 3001 exceeds the maximum allowed of 3000');
      const imageUrns = body.content?.media ? [body.content.media.id] : (body.content?.multiImage?.images.map((i) => i.id) ?? []);
      if (imageUrns.some((u) => !images.get(u)?.bytes))
        return liError(422, 'UNPROCESSABLE_ENTITY', 'ERROR :: /content/media/id :: image is not uploaded or not available');
      const urn = `urn:li:share:${Date.now()}${String(++shareSeq % 1000).padStart(3, '0')}`; // unique: two posts in one ms
      posts.push({
        urn,
        author: body.author,
        commentary: body.commentary ?? '',
        imageUrns,
        version: req.headers['linkedin-version']!,
        createdAt: Date.now(),
        engagement: noEngagement(),
      });
      if (loseAnswers > 0) {
        loseAnswers--;
        return liError(504, 'GATEWAY_TIMEOUT', 'Gateway timeout');
      }
      return { status: 201, headers: { 'x-restli-id': urn, 'x-linkedin-id': urn }, body: '' };
    }
    if (method === 'GET' && path === '/rest/posts' && req.query.get('q') === 'author') {
      const author = req.query.get('author');
      const found = posts
        .filter((p) => p.author === author)
        .reverse()
        .slice(0, Number(req.query.get('count') ?? 10));
      return {
        json: {
          paging: { start: 0, count: found.length, links: [] },
          elements: found.map((p) => ({
            id: p.urn,
            author: p.author,
            commentary: p.commentary,
            lifecycleState: 'PUBLISHED',
            visibility: 'PUBLIC',
            createdAt: p.createdAt,
            publishedAt: p.createdAt,
          })),
        },
      };
    }
    if (method === 'GET' && path === '/rest/socialActions') {
      if (!grants.memberSocial)
        return liError(
          403,
          'ACCESS_DENIED',
          `Not enough permissions to access: socialActions.BATCH_GET.${req.headers['linkedin-version']}`,
          100,
        );
      const results: Record<string, unknown> = {};
      const statuses: Record<string, number> = {};
      const errors: Record<string, unknown> = {};
      for (const urn of restliList(req.query.get('ids'))) {
        const p = posts.find((x) => x.urn === urn);
        const key = encodeURIComponent(urn);
        if (!p) {
          statuses[key] = 404;
          errors[key] = { status: 404, message: `Not found: ${urn}` };
          continue;
        }
        statuses[key] = 200;
        results[key] = {
          $URN: `urn:li:socialActions:${urn}`,
          target: urn,
          likesSummary: { totalLikes: p.engagement.likes, likedByCurrentUser: false, aggregatedTotalLikes: p.engagement.likes },
          commentsSummary: { totalFirstLevelComments: p.engagement.comments, aggregatedTotalComments: p.engagement.comments },
        };
      }
      return { json: { results, statuses, errors } };
    }
    if (method === 'GET' && path === '/rest/organizationalEntityShareStatistics' && req.query.get('q') === 'organizationalEntity') {
      if (!grants.organizationAdmin)
        return liError(
          403,
          'ACCESS_DENIED',
          'Not enough permissions to access: organizationalEntityShareStatistics.FINDER-organizationalEntity',
          100,
        );
      const org = req.query.get('organizationalEntity') ?? '';
      const wanted = [...restliList(req.query.get('shares')), ...restliList(req.query.get('ugcPosts'))];
      const found = posts.filter((p) => p.author === org && wanted.includes(p.urn));
      return {
        json: {
          paging: { start: 0, count: 10, links: [] },
          elements: found.map((p) => ({
            organizationalEntity: org,
            ...(p.urn.startsWith('urn:li:ugcPost:') ? { ugcPost: p.urn } : { share: p.urn }),
            totalShareStatistics: {
              uniqueImpressionsCount: Math.floor(p.engagement.impressions * 0.8),
              shareCount: p.engagement.shares,
              engagement: p.engagement.impressions
                ? (p.engagement.clicks + p.engagement.likes + p.engagement.comments + p.engagement.shares) / p.engagement.impressions
                : 0,
              clickCount: p.engagement.clicks,
              likeCount: p.engagement.likes,
              impressionCount: p.engagement.impressions,
              commentCount: p.engagement.comments,
            },
          })),
        },
      };
    }
    return liError(404, 'NOT_FOUND', `No virtual resource found for ${method} ${path}`);
  }

  server = await serveFake(route, opts);
  const demo = tokens.issue();
  return {
    name: 'linkedin' as const,
    url: server.url,
    requests: server.requests,
    posts,
    images,
    member,
    grants,
    tokens,
    faults,
    clientId,
    clientSecret,
    /** The next `times` API requests are throttled as LinkedIn does: 429, a body, and no Retry-After header. */
    rateLimit: (times = 1) =>
      faults.add(
        liError(429, 'TOO_MANY_REQUESTS', 'Resource level throttle MEMBER DAY limit for calls to this resource is reached.', 101),
        { times },
      ),
    /** The next `times` posts are stored but answered 504: the client cannot tell whether they went out. */
    loseAnswers: (times = 1) => {
      loseAnswers += times;
    },
    /** How a connection of the connector reaches this fake (NEONHUB_CONNECTORS=local-fakes, tests): plugin config and credentials. */
    connection: {
      plugin: 'connector-linkedin',
      config: { baseUrl: server.url },
      credentials: { accessToken: demo.accessToken, refreshToken: demo.refreshToken },
      account: { id: member.sub, name: member.name },
    } satisfies FakeConnection,
    close: server.close,
  };
}
export type LinkedInFake = Awaited<ReturnType<typeof startLinkedInFake>>;
