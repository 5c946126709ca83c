import { createHash, randomBytes } from 'node:crypto';
import { type FakeEngagement, noEngagement } from './engagement.js';
import { bearer, createFaults, type FakeRequest, type FakeResponse, serveFake } from './http.js';
import type { FakeConnection } from './webhook.js';

/** A post record the fake PDS stored. */
export interface BlueskyFakePost {
  uri: string;
  cid: string;
  rkey: string;
  record: {
    $type: string;
    text: string;
    createdAt: string;
    facets?: Array<{ index: { byteStart: number; byteEnd: number }; features: Array<Record<string, unknown>> }>;
    embed?: { $type: string; images?: Array<{ alt: string; image: { ref: { $link: string }; mimeType: string; size: number } }> };
  };
  /** What the AppView counts on it (app.bsky.feed.getPosts likeCount, repostCount, quoteCount, replyCount). */
  engagement: FakeEngagement;
}

const xrpcError = (status: number, error: string, message: string, headers?: Record<string, string>): FakeResponse => ({
  status,
  json: { error, message },
  ...(headers ? { headers } : {}),
});

const B32 = 'abcdefghijklmnopqrstuvwxyz234567';
/** A CIDv1 (sha-256, base32 "b..." as atproto writes them): codec 0x55 raw for blobs, 0x71 dag-cbor for records. */
function cidOf(data: Buffer | string, codec = 0x71): string {
  const bytes = Buffer.concat([Buffer.from([0x01, codec, 0x12, 0x20]), createHash('sha256').update(data).digest()]);
  let bits = 0;
  let value = 0;
  let out = 'b';
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += B32[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += B32[(value << (5 - bits)) & 31];
  return out;
}

const TID_CHARS = '234567abcdefghijklmnopqrstuvwxyz';
function tid(): string {
  let n = (BigInt(Date.now()) * 1000n + BigInt(Math.floor(Math.random() * 1000))) << 10n;
  n |= BigInt(Math.floor(Math.random() * 1024));
  let s = '';
  for (let i = 0; i < 13; i++) {
    s = TID_CHARS[Number(n & 31n)] + s;
    n >>= 5n;
  }
  return s;
}

/**
 * A Bluesky PDS on a local port speaking XRPC: createSession with an app password, refreshSession, getSession,
 * uploadBlob, createRecord/listRecords for app.bsky.feed.post, resolveHandle,
 * app.bsky.feed.getPosts (the AppView's counts, at most 25 uris); errors as { error, message };
 * ExpiredToken (400) for an expired access JWT; 429 RateLimitExceeded with ratelimit-limit/-remaining/-reset/-policy.
 */
export async function startBlueskyFake(opts: { port?: number } = {}) {
  const account = { did: 'did:plc:neonhubtest1234567890abc', handle: 'neonhub.bsky.social', appPassword: 'abcd-efgh-ijkl-mnop' };
  const faults = createFaults();
  const posts: BlueskyFakePost[] = [];
  const blobs = new Map<string, { mimeType: string; size: number }>();
  const access = new Set<string>();
  const refresh = new Set<string>();
  let expireNextSession = false;
  let loseAnswers = 0;
  const handles = new Map([
    [account.handle, account.did],
    ['alice.bsky.social', 'did:plc:alice000000000000000000'],
  ]);

  const jwt = (scope: string) => {
    const part = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
    return `${part({ typ: 'at+jwt', alg: 'ES256K' })}.${part({ scope, sub: account.did, iat: Math.floor(Date.now() / 1000), exp: Math.floor(Date.now() / 1000) + 7200, jti: randomBytes(8).toString('hex') })}.${randomBytes(32).toString('base64url')}`;
  };
  const session = () => {
    const accessJwt = jwt('com.atproto.appPass');
    const refreshJwt = jwt('com.atproto.refresh');
    access.add(accessJwt);
    refresh.add(refreshJwt);
    return { did: account.did, handle: account.handle, accessJwt, refreshJwt, active: true, didDoc: undefined };
  };
  const expired = new Set<string>();

  function authed(req: FakeRequest): FakeResponse | undefined {
    const token = bearer(req);
    if (token && expired.has(token)) return xrpcError(400, 'ExpiredToken', 'Token has expired');
    if (!token || !access.has(token)) return xrpcError(401, 'AuthenticationRequired', 'Authentication Required');
    return undefined;
  }

  function route(req: FakeRequest): FakeResponse {
    const nsid = req.path.startsWith('/xrpc/') ? req.path.slice(6) : '';
    const forced = faults.next(req);
    if (forced) return forced;
    if (nsid === 'com.atproto.server.createSession' && req.method === 'POST') {
      const body = req.json as { identifier?: string; password?: string } | undefined;
      if ((body?.identifier !== account.handle && body?.identifier !== account.did) || body?.password !== account.appPassword) {
        return xrpcError(401, 'AuthenticationRequired', 'Invalid identifier or password');
      }
      const s = session();
      if (expireNextSession) {
        expireNextSession = false;
        expired.add(s.accessJwt);
      }
      return { json: s };
    }
    if (nsid === 'com.atproto.server.refreshSession' && req.method === 'POST') {
      const token = bearer(req);
      if (!token || !refresh.has(token)) return xrpcError(400, 'ExpiredToken', 'Token has been revoked');
      refresh.delete(token);
      return { json: session() };
    }
    if (nsid === 'com.atproto.identity.resolveHandle') {
      const did = handles.get(req.query.get('handle') ?? '');
      return did ? { json: { did } } : xrpcError(400, 'InvalidRequest', 'Unable to resolve handle');
    }
    const denied = authed(req);
    if (denied) return denied;
    if (nsid === 'com.atproto.server.getSession') return { json: { did: account.did, handle: account.handle, active: true } };
    if (nsid === 'com.atproto.repo.uploadBlob' && req.method === 'POST') {
      const mimeType = req.headers['content-type'] ?? 'application/octet-stream';
      if (req.body.length > 1_000_000)
        return xrpcError(400, 'BlobTooLarge', 'This file is too large. It is 1.2MB but the maximum size is 976.56KB.');
      const cid = cidOf(req.body, 0x55);
      blobs.set(cid, { mimeType, size: req.body.length });
      return { json: { blob: { $type: 'blob', ref: { $link: cid }, mimeType, size: req.body.length } } };
    }
    if (nsid === 'com.atproto.repo.createRecord' && req.method === 'POST') {
      const body = req.json as { repo?: string; collection?: string; rkey?: string; record?: BlueskyFakePost['record'] } | undefined;
      if (body?.repo !== account.did && body?.repo !== account.handle)
        return xrpcError(400, 'InvalidRequest', 'Input/repo must be the session DID');
      if (body?.collection !== 'app.bsky.feed.post' || !body.record)
        return xrpcError(400, 'InvalidRequest', 'Input/collection must be app.bsky.feed.post');
      if ([...new Intl.Segmenter().segment(body.record.text ?? '')].length > 300) {
        return xrpcError(400, 'InvalidRequest', 'Invalid app.bsky.feed.post record: Record/text must not be longer than 300 graphemes');
      }
      for (const img of body.record.embed?.images ?? []) {
        if (!blobs.has(img.image.ref.$link)) return xrpcError(400, 'InvalidRequest', `Could not find blob: ${img.image.ref.$link}`);
      }
      const rkey = body.rkey ?? tid();
      if (posts.some((p) => p.rkey === rkey)) return xrpcError(400, 'InvalidRequest', 'Record already exists');
      const uri = `at://${account.did}/app.bsky.feed.post/${rkey}`;
      const cid = cidOf(JSON.stringify(body.record));
      posts.push({ uri, cid, rkey, record: body.record, engagement: noEngagement() });
      if (loseAnswers > 0) {
        loseAnswers--;
        return xrpcError(502, 'UpstreamFailure', 'Upstream Failure');
      }
      return { json: { uri, cid, commit: { cid: cidOf(uri), rev: tid() }, validationStatus: 'valid' } };
    }
    if (nsid === 'app.bsky.feed.getPosts') {
      const uris = req.query.getAll('uris');
      if (uris.length > 25) return xrpcError(400, 'InvalidRequest', 'Error: Params must have the property "uris" with at most 25 items');
      const found = uris.flatMap((u) => posts.filter((p) => p.uri === u));
      return {
        json: {
          posts: found.map((p) => ({
            uri: p.uri,
            cid: p.cid,
            author: { did: account.did, handle: account.handle },
            record: p.record,
            replyCount: p.engagement.comments,
            repostCount: p.engagement.shares,
            likeCount: p.engagement.likes,
            quoteCount: p.engagement.quotes,
            indexedAt: p.record.createdAt,
            labels: [],
          })),
        },
      };
    }
    if (nsid === 'com.atproto.repo.listRecords') {
      const limit = Number(req.query.get('limit') ?? 50);
      const records = [...posts].reverse().slice(0, limit);
      return { json: { records: records.map((p) => ({ uri: p.uri, cid: p.cid, value: p.record })) } };
    }
    return xrpcError(501, 'MethodNotImplemented', `Method Not Implemented: ${nsid || req.path}`);
  }

  const server = await serveFake(route, opts);
  return {
    name: 'bluesky' as const,
    url: server.url,
    requests: server.requests,
    posts,
    account,
    faults,
    /** The next `times` requests answer 429 RateLimitExceeded with atproto's ratelimit-* headers (reset 2 s ahead). */
    rateLimit: (times = 1) =>
      faults.add(
        xrpcError(429, 'RateLimitExceeded', 'Rate Limit Exceeded', {
          'ratelimit-limit': '5000',
          'ratelimit-remaining': '0',
          'ratelimit-reset': String(Math.floor(Date.now() / 1000) + 2),
          'ratelimit-policy': '5000;w=3600',
        }),
        { times, match: (r) => r.path !== '/xrpc/com.atproto.server.createSession' },
      ),
    /** The next session's access JWT is already expired: the client must refresh it with the refresh JWT. */
    expireNextSession: () => {
      expireNextSession = true;
    },
    /** The next `times` records are stored but answered 502: the client cannot tell whether they went out. */
    loseAnswers: (times = 1) => {
      loseAnswers += times;
    },
    /** How a connection of the connector reaches this fake (NEONHUB_CONNECTORS=local-fakes, tests): plugin config and credentials. */
    connection: {
      plugin: 'connector-bluesky',
      config: { baseUrl: server.url },
      credentials: { identifier: account.handle, appPassword: account.appPassword, service: server.url },
      account: { id: account.did, name: account.handle },
    } satisfies FakeConnection,
    close: server.close,
  };
}
export type BlueskyFake = Awaited<ReturnType<typeof startBlueskyFake>>;
