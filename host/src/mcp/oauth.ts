import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { type Role, RoleSchema } from '@neonhub/schemas';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { sameSecret } from '../secrets/same-secret.js';
import type { TokenService } from './tokens.js';

/**
 * OAuth 2.1 for the MCP gateway (MCP authorization spec): authorization server metadata
 * (RFC 8414), dynamic client registration (RFC 7591, public clients only), an authorization
 * endpoint with PKCE S256 and a server-rendered consent page where a signed-in console user picks
 * one of their workspaces and a role no higher than their own there (a visitor without a session is
 * sent to the console's log-in first), and a token endpoint that issues an API token of that
 * workspace and role.
 * Clients, pending consents and codes are kept in memory (a restart forgets them: clients
 * register again). Registration needs no credentials, so at most `maxClients` clients are kept (the
 * oldest registration is forgotten first: a flood of registrations cannot grow the host's memory).
 * Codes are single-use, live 60 s and are stored only as SHA-256.
 */
/** The signed-in person giving consent, and what they may grant: their workspaces and their role in each. */
export interface ConsentingUser {
  id: string;
  workspaces: { id: string; slug: string; name?: string; role: Role }[];
}

export interface OAuthDeps {
  tokens: TokenService;
  /** Who is giving consent (a console session), or undefined: the visitor is sent to log in first. */
  consenter(request: FastifyRequest): Promise<ConsentingUser | undefined>;
  /** Where a visitor without a session logs in (`?next=` brings them back); default `/login`. */
  loginPath?: string;
  /** Public base URL (issuer); default from the request's Host. */
  publicBaseUrl?: string;
  /** Registered clients kept at most (default 1000; the oldest is forgotten first). */
  maxClients?: number;
  now?(): number;
}

interface Client {
  clientId: string;
  name: string;
  redirectUris: string[];
  issuedAt: number;
}
interface Pending {
  client: Client;
  redirectUri: string;
  challenge: string;
  state?: string;
  csrf: string;
  userId: string;
  expires: number;
}
interface Code {
  clientId: string;
  redirectUri: string;
  challenge: string;
  workspaceId: string;
  role: Role;
  expires: number;
  used: boolean;
}

const sha256 = (s: string) => createHash('sha256').update(s).digest();
const b64url = (b: Buffer) => b.toString('base64url');
const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const ROLE_ORDER: Role[] = ['viewer', 'member', 'admin', 'owner'];
/** The roles a user with `role` may grant: their own and below. */
const grantable = (role: Role) => ROLE_ORDER.slice(0, ROLE_ORDER.indexOf(role) + 1);

/** Redirect URIs must be https, or http on a loopback host; no fragment. Matched exactly later. */
function validRedirectUri(uri: unknown): uri is string {
  if (typeof uri !== 'string') return false;
  try {
    const u = new URL(uri);
    if (u.hash) return false;
    if (u.protocol === 'https:') return true;
    if (u.protocol === 'http:') return ['localhost', '127.0.0.1', '[::1]'].includes(u.hostname);
    return !['javascript:', 'data:', 'file:', 'http:', 'https:'].includes(u.protocol) && /^[a-z][a-z0-9+.-]*:$/.test(u.protocol); // native app schemes
  } catch {
    return false;
  }
}

const CODE_TTL_MS = 60_000;
const CONSENT_TTL_MS = 10 * 60_000;

export function registerOAuthRoutes(app: FastifyInstance, deps: OAuthDeps) {
  const now = deps.now ?? Date.now;
  const clients = new Map<string, Client>(); // in registration order
  const maxClients = deps.maxClients ?? 1000;
  const pending = new Map<string, Pending>();
  const codes = new Map<string, Code>();
  const base = (r: FastifyRequest) => deps.publicBaseUrl?.replace(/\/$/, '') ?? `http://${r.headers.host}`;

  const sweep = () => {
    const t = now();
    for (const [k, p] of pending) if (p.expires < t) pending.delete(k);
    for (const [k, c] of codes) if (c.expires < t) codes.delete(k);
  };

  const oauthError = (reply: FastifyReply, status: number, error: string, description: string) =>
    reply.status(status).header('cache-control', 'no-store').send({ error, error_description: description });

  const redirectWith = (reply: FastifyReply, redirectUri: string, params: Record<string, string | undefined>) => {
    const u = new URL(redirectUri);
    for (const [k, v] of Object.entries(params)) if (v !== undefined) u.searchParams.set(k, v);
    return reply.status(303).header('location', u.href).send();
  };

  const page = (reply: FastifyReply, status: number, title: string, body: string) =>
    reply
      .status(status)
      .header('content-type', 'text/html; charset=utf-8')
      .header('x-frame-options', 'DENY')
      .header('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'")
      .header('cache-control', 'no-store')
      .send(
        `<!doctype html><html><head><meta charset="utf-8"><title>${esc(title)}</title><style>body{font:16px system-ui;max-width:32rem;margin:3rem auto;padding:0 1rem}label{display:block;margin:1rem 0 .25rem}select,button{font:inherit;padding:.4rem}button{margin:1.5rem .5rem 0 0}</style></head><body>${body}</body></html>`,
      );

  app.get('/.well-known/oauth-authorization-server', async (request) => {
    const issuer = base(request);
    return {
      issuer,
      authorization_endpoint: `${issuer}/oauth/authorize`,
      token_endpoint: `${issuer}/oauth/token`,
      registration_endpoint: `${issuer}/oauth/register`,
      response_types_supported: ['code'],
      grant_types_supported: ['authorization_code'],
      code_challenge_methods_supported: ['S256'],
      token_endpoint_auth_methods_supported: ['none'],
      scopes_supported: [],
    };
  });

  app.post('/oauth/register', async (request, reply) => {
    const body = (request.body ?? {}) as { redirect_uris?: unknown; client_name?: unknown; token_endpoint_auth_method?: unknown };
    if (!Array.isArray(body.redirect_uris) || body.redirect_uris.length === 0 || !body.redirect_uris.every(validRedirectUri)) {
      return oauthError(
        reply,
        400,
        'invalid_redirect_uri',
        'redirect_uris must be https URLs, http URLs on localhost/127.0.0.1, or app schemes, without fragments',
      );
    }
    if (body.token_endpoint_auth_method !== undefined && body.token_endpoint_auth_method !== 'none') {
      return oauthError(
        reply,
        400,
        'invalid_client_metadata',
        'only public clients (token_endpoint_auth_method "none") with PKCE are supported',
      );
    }
    const client: Client = {
      clientId: randomUUID(),
      name: typeof body.client_name === 'string' && body.client_name.trim() ? body.client_name.trim().slice(0, 100) : 'MCP client',
      redirectUris: body.redirect_uris as string[],
      issuedAt: Math.floor(now() / 1000),
    };
    clients.set(client.clientId, client);
    for (const oldest of clients.keys()) {
      if (clients.size <= maxClients) break;
      clients.delete(oldest);
    }
    return reply
      .status(201)
      .header('cache-control', 'no-store')
      .send({
        client_id: client.clientId,
        client_id_issued_at: client.issuedAt,
        client_name: client.name,
        redirect_uris: client.redirectUris,
        token_endpoint_auth_method: 'none',
        grant_types: ['authorization_code'],
        response_types: ['code'],
      });
  });

  app.get<{ Querystring: Record<string, string | undefined> }>('/oauth/authorize', async (request, reply) => {
    sweep();
    const q = request.query;
    const client = q.client_id ? clients.get(q.client_id) : undefined;
    // Without a known client and an exactly registered redirect URI, never redirect anywhere.
    if (!client)
      return page(reply, 400, 'Unknown client', '<h1>Unknown client</h1><p>This application is not registered with NeonHub.</p>');
    if (!q.redirect_uri || !client.redirectUris.includes(q.redirect_uri)) {
      return page(
        reply,
        400,
        'Invalid redirect',
        '<h1>Invalid redirect URI</h1><p>The redirect URI does not match one registered by this application.</p>',
      );
    }
    if (q.response_type !== 'code') return redirectWith(reply, q.redirect_uri, { error: 'unsupported_response_type', state: q.state });
    if (!q.code_challenge || q.code_challenge_method !== 'S256' || !/^[A-Za-z0-9_-]{43}$/.test(q.code_challenge)) {
      return redirectWith(reply, q.redirect_uri, {
        error: 'invalid_request',
        error_description: 'PKCE with code_challenge_method S256 is required',
        state: q.state,
      });
    }
    const user = await deps.consenter(request);
    if (!user) {
      const back = request.url.startsWith('/oauth/authorize?') ? request.url : '/';
      return reply
        .status(303)
        .header('location', `${deps.loginPath ?? '/login'}?next=${encodeURIComponent(back)}`)
        .send();
    }
    if (user.workspaces.length === 0)
      return page(reply, 403, 'No workspace', '<h1>No workspace to connect</h1><p>You are not a member of any workspace yet.</p>');
    const requestId = b64url(randomBytes(24));
    const csrf = b64url(randomBytes(32));
    pending.set(requestId, {
      client,
      redirectUri: q.redirect_uri,
      challenge: q.code_challenge,
      ...(q.state ? { state: q.state } : {}),
      csrf,
      userId: user.id,
      expires: now() + CONSENT_TTL_MS,
    });
    const options = user.workspaces
      .map((w) => `<option value="${esc(w.id)}">${esc(w.slug)}${w.name ? ` — ${esc(w.name)}` : ''} (you: ${w.role})</option>`)
      .join('');
    const highest = user.workspaces.reduce<Role>(
      (max, w) => (ROLE_ORDER.indexOf(w.role) > ROLE_ORDER.indexOf(max) ? w.role : max),
      'viewer',
    );
    const roles = grantable(highest)
      .map((r) => `<option value="${r}"${r === 'viewer' ? ' selected' : ''}>${r}</option>`)
      .join('');
    reply.header('set-cookie', `nh_oauth_csrf=${csrf}; Path=/oauth; HttpOnly; SameSite=Strict; Max-Age=600`);
    return page(
      reply,
      200,
      'Connect to NeonHub',
      `<h1>Connect “${esc(client.name)}” to NeonHub</h1><p>It will get an API token for the workspace and role you choose, and be redirected to <code>${esc(new URL(q.redirect_uri).origin)}</code>.</p>
<form method="post" action="/oauth/authorize"><input type="hidden" name="request_id" value="${requestId}"><input type="hidden" name="csrf" value="${csrf}">
<label for="ws">Workspace</label><select id="ws" name="workspace_id" required>${options}</select>
<label for="role">Role (at most yours in that workspace)</label><select id="role" name="role">${roles}</select>
<div><button name="decision" value="allow" type="submit">Allow</button><button name="decision" value="deny" type="submit">Deny</button></div></form>`,
    );
  });

  app.register(async (scope) => {
    scope.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) => {
      done(null, Object.fromEntries(new URLSearchParams(body as string)));
    });

    scope.post('/oauth/authorize', async (request, reply) => {
      sweep();
      const form = (request.body ?? {}) as Record<string, string | undefined>;
      const p = form.request_id ? pending.get(form.request_id) : undefined;
      const cookie = /(?:^|;\s*)nh_oauth_csrf=([A-Za-z0-9_-]+)/.exec(request.headers.cookie ?? '')?.[1];
      const user = await deps.consenter(request);
      if (!user || !p || p.userId !== user.id || !form.csrf || !cookie || !sameSecret(form.csrf, p.csrf) || !sameSecret(cookie, p.csrf)) {
        return page(
          reply,
          403,
          'Request expired',
          '<h1>This consent request is not valid</h1><p>It expired or did not come from this page. Start the connection again from your application.</p>',
        );
      }
      pending.delete(form.request_id!);
      if (form.decision !== 'allow') return redirectWith(reply, p.redirectUri, { error: 'access_denied', state: p.state });
      const role = RoleSchema.safeParse(form.role);
      const workspace = user.workspaces.find((w) => w.id === form.workspace_id);
      if (!role.success || !workspace) return page(reply, 400, 'Invalid choice', '<h1>Choose a workspace and a role</h1>');
      if (!grantable(workspace.role).includes(role.data))
        return page(
          reply,
          403,
          'Role too high',
          `<h1>You cannot grant ${esc(role.data)}</h1><p>Your role in ${esc(workspace.slug)} is ${esc(workspace.role)}.</p>`,
        );
      const code = b64url(randomBytes(32));
      codes.set(b64url(sha256(code)), {
        clientId: p.client.clientId,
        redirectUri: p.redirectUri,
        challenge: p.challenge,
        workspaceId: workspace.id,
        role: role.data,
        expires: now() + CODE_TTL_MS,
        used: false,
      });
      return redirectWith(reply, p.redirectUri, { code, state: p.state, iss: base(request) });
    });

    scope.post('/oauth/token', async (request, reply) => {
      sweep();
      const form = (request.body ?? {}) as Record<string, string | undefined>;
      if (form.grant_type !== 'authorization_code')
        return oauthError(reply, 400, 'unsupported_grant_type', 'only authorization_code is supported');
      if (!form.code || !form.code_verifier || !form.redirect_uri || !form.client_id) {
        return oauthError(reply, 400, 'invalid_request', 'code, code_verifier, redirect_uri and client_id are required');
      }
      const key = b64url(sha256(form.code));
      const code = codes.get(key);
      if (!code || code.used || code.expires < now())
        return oauthError(reply, 400, 'invalid_grant', 'the authorization code is invalid, expired or already used');
      code.used = true; // single use, even when the checks below fail
      codes.delete(key);
      const client = clients.get(form.client_id);
      if (!client || form.client_id !== code.clientId || form.redirect_uri !== code.redirectUri) {
        return oauthError(reply, 400, 'invalid_grant', 'the code was issued to another client or redirect URI');
      }
      if (!sameSecret(b64url(sha256(form.code_verifier)), code.challenge))
        return oauthError(reply, 400, 'invalid_grant', 'code_verifier does not match the code challenge');
      const { token } = await deps.tokens.create({ workspaceId: code.workspaceId, role: code.role, name: `oauth: ${client.name}` });
      return reply.header('cache-control', 'no-store').send({ access_token: token, token_type: 'Bearer' });
    });
  });

  return { clientCount: () => clients.size };
}
