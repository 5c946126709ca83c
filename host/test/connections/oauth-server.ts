import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A small OAuth 2.0 authorization server speaking RFC 6749 + PKCE (RFC 7636, S256 only) + revocation (RFC 7009) on
 * a loopback port, with a protected `/api/me` resource: what a provider such as X or LinkedIn answers, for the
 * host's real OAuth client (oauth4webapi) to talk to. Clients authenticate with client_secret_post.
 */
export async function startOAuthServer(client: { id: string; secret: string }) {
  const codes = new Map<string, { challenge: string; method: string; redirectUri: string; used: boolean }>();
  const access = new Map<string, { expiresAt: number; valid: boolean }>();
  const refresh = new Map<string, boolean>();
  const stats = { pkceVerified: 0, pkceRefused: 0, codeGrants: 0, refreshGrants: 0, revoked: [] as string[], me: 0 };
  const settings = { expiresIn: 3600 };
  let n = 0;

  const issue = () => {
    n++;
    const at = `at-${n}-${randomBytes(4).toString('hex')}`;
    const rt = `rt-${n}-${randomBytes(4).toString('hex')}`;
    access.set(at, { expiresAt: Date.now() + settings.expiresIn * 1000, valid: true });
    refresh.set(rt, true);
    return {
      access_token: at,
      token_type: 'bearer',
      expires_in: settings.expiresIn,
      refresh_token: rt,
      scope: 'post read',
      user_id: `user-${n}`,
    };
  };

  const readBody = (req: IncomingMessage) =>
    new Promise<URLSearchParams>((resolve) => {
      let data = '';
      req.on('data', (c) => (data += c));
      req.on('end', () => resolve(new URLSearchParams(data)));
    });

  const server: Server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const json = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
      res.end(JSON.stringify(body));
    };
    if (req.method === 'GET' && url.pathname === '/authorize') {
      // the user approves at once: a code bound to the PKCE challenge and the redirect URI
      const q = url.searchParams;
      if (q.get('client_id') !== client.id || q.get('response_type') !== 'code') return json(400, { error: 'invalid_request' });
      const code = randomBytes(12).toString('hex');
      codes.set(code, {
        challenge: q.get('code_challenge') ?? '',
        method: q.get('code_challenge_method') ?? '',
        redirectUri: q.get('redirect_uri') ?? '',
        used: false,
      });
      const back = new URL(q.get('redirect_uri') ?? '');
      back.searchParams.set('code', code);
      back.searchParams.set('state', q.get('state') ?? '');
      res.writeHead(302, { location: back.toString() });
      return res.end();
    }
    if (req.method === 'POST' && url.pathname === '/token') {
      const body = await readBody(req);
      if (body.get('client_id') !== client.id || body.get('client_secret') !== client.secret) return json(401, { error: 'invalid_client' });
      if (body.get('grant_type') === 'authorization_code') {
        const grant = codes.get(body.get('code') ?? '');
        if (!grant || grant.used || grant.redirectUri !== body.get('redirect_uri')) return json(400, { error: 'invalid_grant' });
        grant.used = true;
        const verifier = body.get('code_verifier') ?? '';
        const computed = createHash('sha256').update(verifier).digest('base64url');
        if (grant.method !== 'S256' || computed !== grant.challenge) {
          stats.pkceRefused++;
          return json(400, { error: 'invalid_grant', error_description: 'PKCE verification failed' });
        }
        stats.pkceVerified++;
        stats.codeGrants++;
        return json(200, issue());
      }
      if (body.get('grant_type') === 'refresh_token') {
        const rt = body.get('refresh_token') ?? '';
        if (!refresh.get(rt)) return json(400, { error: 'invalid_grant', error_description: 'refresh token revoked or unknown' });
        refresh.set(rt, false); // rotation
        stats.refreshGrants++;
        return json(200, issue());
      }
      return json(400, { error: 'unsupported_grant_type' });
    }
    if (req.method === 'POST' && url.pathname === '/revoke') {
      const body = await readBody(req);
      if (body.get('client_id') !== client.id || body.get('client_secret') !== client.secret) return json(401, { error: 'invalid_client' });
      const token = body.get('token') ?? '';
      stats.revoked.push(token);
      refresh.set(token, false);
      const a = access.get(token);
      if (a) a.valid = false;
      res.writeHead(200).end();
      return;
    }
    if (req.method === 'GET' && url.pathname === '/api/me') {
      stats.me++;
      const token = (req.headers.authorization ?? '').replace(/^Bearer /i, '');
      const a = access.get(token);
      if (!a?.valid || a.expiresAt < Date.now()) return json(401, { error: 'invalid_token' });
      return json(200, { token });
    }
    json(404, { error: 'not_found' });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    base: `http://127.0.0.1:${port}`,
    stats,
    settings,
    /** The provider invalidates an access token (as when a user changes their password). */
    invalidate: (token: string) => {
      const a = access.get(token);
      if (a) a.valid = false;
    },
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}
