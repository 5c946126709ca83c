import { createHmac, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A request as a fake provider sees it. */
export interface FakeRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  /** Lower-cased names. */
  headers: Readonly<Record<string, string>>;
  body: Buffer;
  /** The body parsed as JSON (undefined when it is not JSON). */
  json: unknown;
  /** The body parsed as application/x-www-form-urlencoded. */
  form: URLSearchParams;
}

export interface FakeResponse {
  status?: number;
  headers?: Record<string, string>;
  json?: unknown;
  body?: string | Buffer;
}

export type FakeHandler = (req: FakeRequest) => FakeResponse | Promise<FakeResponse>;

export interface FakeHttpServer {
  /** http://127.0.0.1:<port> */
  url: string;
  /** Every request received, in order. */
  requests: FakeRequest[];
  close(): Promise<void>;
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

function toRequest(req: IncomingMessage, body: Buffer): FakeRequest {
  const url = new URL(req.url ?? '/', 'http://fake');
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers)) if (v !== undefined) headers[k] = Array.isArray(v) ? v.join(', ') : v;
  let json: unknown;
  const type = headers['content-type'] ?? '';
  if (type.includes('json') && body.length > 0) {
    try {
      json = JSON.parse(body.toString('utf8'));
    } catch {
      json = undefined;
    }
  }
  const form = type.includes('x-www-form-urlencoded') ? new URLSearchParams(body.toString('utf8')) : new URLSearchParams();
  return { method: req.method ?? 'GET', path: url.pathname, query: url.searchParams, headers, body, json, form };
}

function send(res: ServerResponse, r: FakeResponse): void {
  const headers: Record<string, string> = { ...r.headers };
  let payload: string | Buffer = '';
  if (r.json !== undefined) {
    payload = JSON.stringify(r.json);
    headers['content-type'] ??= 'application/json; charset=utf-8';
  } else if (r.body !== undefined) payload = r.body;
  res.writeHead(r.status ?? 200, headers);
  res.end(payload);
}

/** Serves `handler` on 127.0.0.1 (port 0 = any free port); a handler that throws answers 500 with the message. */
export async function serveFake(handler: FakeHandler, opts: { port?: number } = {}): Promise<FakeHttpServer> {
  const requests: FakeRequest[] = [];
  const server = createServer((req, res) => {
    readBody(req)
      .then(async (body) => {
        const r = toRequest(req, body);
        requests.push(r);
        send(res, await handler(r));
      })
      .catch((err: unknown) => send(res, { status: 500, json: { error: 'fake_failed', message: (err as Error).message } }));
  });
  server.keepAliveTimeout = 1000;
  await new Promise<void>((resolve) => server.listen(opts.port ?? 0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A provider's OAuth 2.0 token store: issues access/refresh token pairs, refreshes, expires access tokens on demand. */
export function createTokenStore(prefix: string) {
  const live = new Set<string>();
  const refresh = new Map<string, string>();
  const issue = () => {
    const accessToken = `${prefix}-at-${randomBytes(8).toString('hex')}`;
    const refreshToken = `${prefix}-rt-${randomBytes(8).toString('hex')}`;
    live.add(accessToken);
    refresh.set(refreshToken, accessToken);
    return { accessToken, refreshToken };
  };
  return {
    issue,
    /** True for a token issued and not expired. */
    valid: (token: string | undefined) => token !== undefined && live.has(token),
    /** Expires every access token issued so far (refresh tokens keep working). */
    expireAll: () => live.clear(),
    /** A new pair for a known refresh token (the old refresh token is rotated out), or undefined. */
    refresh(refreshToken: string) {
      if (!refresh.has(refreshToken)) return undefined;
      const old = refresh.get(refreshToken)!;
      refresh.delete(refreshToken);
      live.delete(old);
      return issue();
    },
  };
}
export type TokenStore = ReturnType<typeof createTokenStore>;

/** `Bearer <token>` → token. */
export function bearer(req: FakeRequest): string | undefined {
  const m = /^Bearer\s+(.+)$/i.exec(req.headers.authorization ?? '');
  return m?.[1];
}

/** A queue of forced answers: `next(req)` returns the first one whose matcher fits and consumes it. */
export function createFaults() {
  const queue: Array<{ match: (r: FakeRequest) => boolean; response: FakeResponse }> = [];
  return {
    /** Answers the next `times` requests that `match` with `response` instead of serving them. */
    add(response: FakeResponse, opts: { times?: number; match?: (r: FakeRequest) => boolean } = {}) {
      for (let i = 0; i < (opts.times ?? 1); i++) queue.push({ match: opts.match ?? (() => true), response });
    },
    next(req: FakeRequest): FakeResponse | undefined {
      const i = queue.findIndex((f) => f.match(req));
      if (i < 0) return undefined;
      return queue.splice(i, 1)[0]!.response;
    },
    clear: () => {
      queue.length = 0;
    },
  };
}
export type Faults = ReturnType<typeof createFaults>;

export const hmacSha256 = (secret: string, data: string, encoding: 'hex' | 'base64') =>
  createHmac('sha256', secret).update(data).digest(encoding);

/** A small PNG (1x1, red) for media tests. */
export const PNG_1X1 = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==',
  'base64',
);
