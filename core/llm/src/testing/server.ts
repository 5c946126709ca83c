import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FakeReply } from './script.js';

export interface RecordedRequest {
  method: string;
  /** Path without the query string, e.g. `/v1/chat/completions`. */
  path: string;
  query: Record<string, string>;
  headers: IncomingHttpHeaders;
  /** Parsed JSON body (or the raw text when it is not JSON; undefined when empty). */
  body: unknown;
}

/** A running fake provider. */
export interface FakeProvider {
  /** `http://127.0.0.1:<port>` (no path). */
  url: string;
  /** The base URL the `ai` SDK provider package expects (`url + '/v1'`, or `'/api'` for Ollama). */
  baseURL: string;
  /** Every request received, in order. */
  readonly requests: RecordedRequest[];
  /** Script the next answers; each model request takes one. With none queued, a default text reply is sent. */
  enqueue(...replies: FakeReply[]): void;
  /** Replies still queued. */
  pending(): number;
  /** Forget queued replies and recorded requests. */
  reset(): void;
  close(): Promise<void>;
}

export interface FakeContext {
  req: IncomingMessage;
  res: ServerResponse;
  recorded: RecordedRequest;
  /** The next scripted reply (or the default). */
  next(): FakeReply;
  /** Peek at the next scripted reply without taking it. */
  peek(): FakeReply | undefined;
  /** A counter for ids, shared by the whole server. */
  seq(): number;
}

export type FakeHandler = (ctx: FakeContext) => void | Promise<void>;

async function readBody(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.length === 0) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

/** Starts an SSE response; `event` writes one `event:`/`data:` frame. */
export function startSse(res: ServerResponse, headers: Record<string, string> = {}) {
  res.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache',
    connection: 'keep-alive',
    ...headers,
  });
  return {
    data(payload: unknown) {
      res.write(`data: ${typeof payload === 'string' ? payload : JSON.stringify(payload)}\n\n`);
    },
    event(name: string, payload: unknown) {
      res.write(`event: ${name}\ndata: ${JSON.stringify(payload)}\n\n`);
    },
    end() {
      res.end();
    },
  };
}

/**
 * A loopback HTTP server with a reply queue and a request log. `routes` maps `METHOD /path`
 * to a handler; `notFound` renders a 404 in the provider's error format.
 */
export async function startFakeServer(opts: {
  routes: Record<string, FakeHandler>;
  defaultReply: () => FakeReply;
  basePath: string;
  notFound: (res: ServerResponse, path: string) => void;
}): Promise<FakeProvider> {
  const queue: FakeReply[] = [];
  const requests: RecordedRequest[] = [];
  let counter = 0;
  const server = createServer((req, res) => {
    void (async () => {
      const u = new URL(req.url ?? '/', 'http://fake');
      const recorded: RecordedRequest = {
        method: req.method ?? 'GET',
        path: u.pathname,
        query: Object.fromEntries(u.searchParams),
        headers: req.headers,
        body: await readBody(req),
      };
      requests.push(recorded);
      const handler = opts.routes[`${recorded.method} ${recorded.path}`];
      if (!handler) {
        opts.notFound(res, recorded.path);
        return;
      }
      await handler({
        req,
        res,
        recorded,
        next: () => queue.shift() ?? opts.defaultReply(),
        peek: () => queue[0],
        seq: () => ++counter,
      });
    })().catch((e: unknown) => {
      if (!res.headersSent) sendJson(res, 500, { error: { message: `fake server bug: ${String(e)}` } });
      else res.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    baseURL: `${url}${opts.basePath}`,
    requests,
    enqueue: (...replies) => {
      queue.push(...replies);
    },
    pending: () => queue.length,
    reset: () => {
      queue.length = 0;
      requests.length = 0;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((e) => (e ? reject(e) : resolve()));
      }),
  };
}
