import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { hostErrors } from '../errors.js';
import { ownUrl } from '../server/allowed-hosts.js';

export interface MountConsoleOptions {
  /** The SvelteKit adapter-node output (ui/build), holding handler.js. */
  buildDir: string;
  /** Where the console's server reaches the API (default: this server's own address once it listens). */
  apiUrl?: string;
}

type NodeHandler = (req: unknown, res: unknown, next: () => void) => void;

const HOST_PATHS = /^\/(api|mcp|oauth|health|\.well-known)(\/|\?|$)/;

const NOT_BUILT = (buildDir: string) => `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>NeonHub console not built</title>
<style>body{font:16px system-ui;background:#0b0d17;color:#e6e8ff;display:grid;place-items:center;min-height:100vh;margin:0}main{max-width:36rem;padding:2rem;border:1px solid #2a2f55;border-radius:1rem}code{color:#5ef2d6}</style></head>
<body><main><h1>The console is not built</h1><p>This host serves the API and MCP, but no console was found at <code>${buildDir.replace(/[<&>]/g, '')}</code>.</p>
<p>Build it with <code>pnpm --filter @neonhub/ui build</code> and restart <code>neonhub start</code>.</p></main></body></html>`;

/**
 * Serves the SvelteKit console (adapter-node's handler) on the API's origin: every path the
 * API, MCP and OAuth routes do not claim. Request bodies reach SvelteKit unread (its own parsers
 * and CSRF origin check run). When ui/build is missing, `/` explains how to build it.
 */
export async function mountConsole(app: FastifyInstance, opts: MountConsoleOptions): Promise<{ mounted: boolean; reason?: string }> {
  const handlerFile = join(opts.buildDir, 'handler.js');
  if (!existsSync(handlerFile)) {
    const reason = `no console build at ${opts.buildDir}: run \`pnpm --filter @neonhub/ui build\``;
    app.log.warn(reason);
    app.get('/', async (_request, reply) => reply.status(503).type('text/html; charset=utf-8').send(NOT_BUILT(opts.buildDir)));
    return { mounted: false, reason };
  }

  // The console's server forwards its visitor's address (for the log-in limits) with this per-process
  // secret; the API trusts the forwarded address only with it (host/src/accounts/client-ip.ts). It grants nothing else.
  process.env.NEONHUB_CONSOLE_SECRET ||= randomBytes(32).toString('base64url');
  if (opts.apiUrl) process.env.NEONHUB_API_URL ??= opts.apiUrl;
  else
    app.addHook('onListen', async () => {
      const url = ownUrl(app.server.address());
      if (url && !process.env.NEONHUB_API_URL) process.env.NEONHUB_API_URL = url;
    });

  // adapter-node assumes https unless told: without ORIGIN, it reads the protocol from a header we set
  // ourselves on every request (clients cannot spoof it). Behind a TLS proxy, set ORIGIN=https://...
  const protoHeader = 'x-neonhub-console-proto';
  if (!process.env.ORIGIN) process.env.PROTOCOL_HEADER = protoHeader;
  // The visitor's address as the host sees it (the socket, or X-Forwarded-For from a NEONHUB_TRUSTED_PROXIES
  // peer: client-ip.ts), in a header set here on every request: the console's getClientAddress() reads it and
  // forwards it for the log-in limits. Without it, behind a proxy every visitor would be the proxy.
  const addressHeader = 'x-neonhub-console-client-address';
  if (!process.env.ADDRESS_HEADER) process.env.ADDRESS_HEADER = addressHeader;
  const { handler } = (await import(pathToFileURL(handlerFile).href)) as { handler: NodeHandler };
  await app.register(async (child) => {
    child.removeAllContentTypeParsers();
    child.addContentTypeParser('*', (_request, _payload, done) => done(null, undefined));
    child.route({
      method: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'],
      url: '/*',
      // the console sets its own Content-Security-Policy (kit.csp in ui/svelte.config.js: nonces for its scripts)
      helmet: { contentSecurityPolicy: false },
      handler: async (request, reply) => {
        if (HOST_PATHS.test(request.url))
          throw hostErrors.create('NH_ROUTE_NOT_FOUND', `no route ${request.method} ${request.url.split('?')[0]}`);
        request.raw.headers[protoHeader] = request.protocol;
        request.raw.headers[addressHeader] = app.hasDecorator('clientIp') ? app.clientIp(request) : request.ip;
        reply.hijack();
        handler(request.raw, reply.raw, () => {
          reply.raw.statusCode = 404;
          reply.raw.end('not found');
        });
      },
    });
  });
  return { mounted: true };
}
