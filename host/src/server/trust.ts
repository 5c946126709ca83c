import helmet from '@fastify/helmet';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { hostErrors } from '../errors.js';
import { type AllowedHosts, type AllowedHostsOptions, createAllowedHosts } from './allowed-hosts.js';

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** Content-Security-Policy of everything the host renders itself (JSON, the OAuth consent page); the console sets its own. */
const HOST_CSP = {
  defaultSrc: ["'none'"],
  styleSrc: ["'unsafe-inline'"],
  imgSrc: ["'self'", 'data:'],
  formAction: ["'self'"],
  frameAncestors: ["'none'"],
  baseUri: ["'none'"],
};

/**
 * The first checks of every request, before any credential is read:
 * - the Host header must be one this server serves (DNS rebinding: a page of evil.example rebound to
 *   127.0.0.1 sends `Host: evil.example`), on every route: API, MCP, OAuth, the console, WebSockets;
 * - a browser's Origin, when sent on a state-changing request or a WebSocket upgrade, must be one of
 *   this server's own origins (for every principal: a cookie, a token or none);
 * - security headers (helmet) on every answer; HSTS when the request came over TLS.
 */
export async function installTrustBoundary(app: FastifyInstance, opts: AllowedHostsOptions): Promise<AllowedHosts> {
  const allowed = createAllowedHosts(() => app.server.address(), opts);
  await app.register(helmet, {
    global: true,
    contentSecurityPolicy: { useDefaults: false, directives: HOST_CSP },
    // HSTS over plain http would be ignored at best; set below when the request is https.
    strictTransportSecurity: false,
    crossOriginEmbedderPolicy: false,
    // the console's own pages are same-origin; OAuth redirects carry no opener
    crossOriginOpenerPolicy: { policy: 'same-origin' },
    crossOriginResourcePolicy: { policy: 'same-origin' },
    referrerPolicy: { policy: 'same-origin' },
    frameguard: { action: 'deny' },
  });
  app.addHook('onRequest', async (request, reply) => {
    // A refused WebSocket upgrade answers over the raw socket; end it after the answer, or it would stay
    // open past the answer (and `app.close()` would wait for it forever).
    if (request.headers.upgrade) reply.raw.once('finish', () => request.raw.socket?.destroy());
    checkHost(request, allowed);
    checkOrigin(request, allowed);
    if (request.protocol === 'https') reply.raw.setHeader('strict-transport-security', 'max-age=31536000; includeSubDomains');
  });
  return allowed;
}

function checkHost(request: FastifyRequest, allowed: AllowedHosts) {
  const host = request.headers.host;
  if (allowed.host(host)) return;
  throw hostErrors.create(
    'NH_HTTP_HOST_FORBIDDEN',
    `this server does not serve the host name ${JSON.stringify(host ?? '')}: use ${allowed.hosts()[0] ?? 'its bound address'}, or add the name to NEONHUB_ALLOWED_HOSTS`,
    { details: { host: host ?? null } },
  );
}

/**
 * Browsers send Origin on cross-origin requests, on every POST and on WebSocket upgrades;
 * Sec-Fetch-Site says whether the initiator was this site. Non-browser clients send neither.
 */
function checkOrigin(request: FastifyRequest, allowed: AllowedHosts) {
  const upgrade = request.headers.upgrade?.toLowerCase() === 'websocket';
  if (!upgrade && !UNSAFE.has(request.method)) return;
  // A public route declared crossOrigin (the conversion beacon) reads no credential: any site may post to it.
  if (!upgrade && (request.routeOptions.config as { crossOrigin?: boolean } | undefined)?.crossOrigin === true) return;
  const origin = request.headers.origin;
  const site = request.headers['sec-fetch-site'];
  const foreign = (origin !== undefined && !allowed.origin(origin)) || (!upgrade && (site === 'cross-site' || site === 'same-site'));
  if (!foreign) return;
  throw hostErrors.create(
    'NH_HTTP_ORIGIN_FORBIDDEN',
    upgrade
      ? 'this WebSocket was opened from another site and was refused'
      : 'this request came from another site and was refused; use the console, the CLI or an API token',
    { details: { origin: origin ?? null, secFetchSite: site ?? null } },
  );
}
