import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { syncPluginDir } from '@neonhub/sdk/host';
import { writePlugin } from '../integration/helpers.js';

/**
 * A provider on a local port for the outbox tests: POST /send with an `Idempotency-Key` header, answered like
 * e-mail APIs with an idempotency mechanism (Resend): the first request of a key is accepted and gets an id; a
 * repeat of the key gets the same id back and is counted as a replay, never as a second message. Scripted
 * failures: `failNext` answers (503, 429 with Retry-After, 422, 401) for the next requests.
 */
export interface CountingProvider {
  url: string;
  /** Requests received, replays included. */
  requests: number;
  /** Keys accepted, in order (each once). */
  accepted: string[];
  /** Requests that repeated an accepted key. */
  replays: number;
  /** The keys that were repeated. */
  replayed: string[];
  /** When each request arrived (ms, performance.now()), with its key and answer status. */
  log: { at: number; key: string; status: number }[];
  /** Answers the next requests with these statuses (headers for 429: Retry-After in seconds). */
  failNext(...answers: { status: number; retryAfterS?: number }[]): void;
  /** Delay every answer by this many ms (a provider's latency). */
  latencyMs: number;
  close(): Promise<void>;
}

export async function startCountingProvider(): Promise<CountingProvider> {
  const ids = new Map<string, string>();
  const script: { status: number; retryAfterS?: number }[] = [];
  let server: Server;
  const p: CountingProvider = {
    url: '',
    requests: 0,
    accepted: [],
    replays: 0,
    replayed: [],
    log: [],
    latencyMs: 0,
    failNext: (...answers) => void script.push(...answers),
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      const answer = () => {
        p.requests++;
        const key = String(req.headers['idempotency-key'] ?? '');
        const scripted = script.shift();
        if (!key || req.url !== '/send' || req.method !== 'POST') {
          res.writeHead(400, { 'content-type': 'application/json' }).end(JSON.stringify({ message: 'bad request' }));
          return;
        }
        if (scripted) {
          p.log.push({ at: performance.now(), key, status: scripted.status });
          const headers: Record<string, string> = { 'content-type': 'application/json' };
          if (scripted.retryAfterS !== undefined) headers['retry-after'] = String(scripted.retryAfterS);
          res.writeHead(scripted.status, headers).end(JSON.stringify({ message: `scripted ${scripted.status}` }));
          return;
        }
        p.log.push({ at: performance.now(), key, status: 200 });
        let id = ids.get(key);
        if (id) {
          p.replays++;
          p.replayed.push(key);
        } else {
          id = `msg_${ids.size + 1}`;
          ids.set(key, id);
          p.accepted.push(key);
        }
        JSON.parse(body || '{}');
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ id }));
      };
      if (p.latencyMs > 0) setTimeout(answer, p.latencyMs);
      else answer();
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  p.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return p;
}

/**
 * A connector plugin for the tests (kind connector, tool `send` with side effect external) that POSTs to a
 * counting provider whose URL it reads from the environment variable `urlEnv`, passing ctx.idempotencyKey as the
 * provider's Idempotency-Key, and maps the provider's answers to the shared connector errors.
 */
export async function writeFixtureConnector(root: string, id: string, opts: { urlEnv: string; rateLimit?: Record<string, number> }) {
  const manifest = {
    id,
    version: '1.0.0',
    kind: 'connector',
    name: `Fixture connector ${id}`,
    description: 'Sends a message to a counting provider on a local port (outbox tests).',
    host: '^0.2.0',
    runtime: { type: 'module', entry: 'src/index.ts' },
    network: { hosts: ['127.0.0.1'] },
    connector: { channels: ['email'], ...(opts.rateLimit ? { rateLimit: opts.rateLimit } : {}) },
    tools: [],
  };
  const code = `import { connectorErrors, definePlugin, defineTool } from '@neonhub/sdk';
import { z } from 'zod';

export default definePlugin({
  id: ${JSON.stringify(id)},
  tools: [
    defineTool({
      name: 'send',
      description: 'Sends one message to one recipient.',
      sideEffect: 'external',
      timeoutMs: 5000,
      input: z.object({ to: z.string().min(3), text: z.string(), connection: z.string().optional() }).strict(),
      output: z.object({ messageId: z.string(), duplicate: z.boolean(), status: z.string() }),
      async run(input, ctx) {
        const base = process.env[${JSON.stringify(opts.urlEnv)}];
        let res;
        try {
          res = await ctx.fetch(base + '/send', {
            method: 'POST',
            headers: { 'content-type': 'application/json', 'idempotency-key': ctx.idempotencyKey },
            body: JSON.stringify({ to: input.to, text: input.text }),
          });
        } catch (err) {
          throw connectorErrors.create('NH_CONNECTOR_UNAVAILABLE', 'provider unreachable: ' + (err as Error).message);
        }
        if (res.status === 429) {
          const s = Number(res.headers.get('retry-after'));
          throw connectorErrors.create('NH_CONNECTOR_RATE_LIMITED', 'provider rate limit', {
            details: Number.isFinite(s) ? { retryAfterMs: s * 1000 } : {},
          });
        }
        if (res.status === 401) throw connectorErrors.create('NH_CONNECTOR_AUTH_FAILED', 'provider refused the key');
        if (res.status === 422)
          throw connectorErrors.create('NH_CONNECTOR_REJECTED', 'provider refused the message', { details: { providerCode: 'invalid_to' } });
        if (res.status >= 500) throw connectorErrors.create('NH_CONNECTOR_UNAVAILABLE', 'provider answered ' + res.status);
        const body = (await res.json()) as { id: string };
        return { messageId: body.id, duplicate: false, status: 'sent' };
      },
    }),
  ],
});
`;
  writePlugin(root, id, {
    'plugin.json': JSON.stringify(manifest, null, 2),
    'package.json': JSON.stringify({
      name: `@neonhub-fixtures/${id}`,
      version: '1.0.0',
      private: true,
      type: 'module',
      files: ['plugin.json', 'src'],
    }),
    'src/index.ts': code,
  });
  await syncPluginDir(join(root, 'plugins', id));
}
