import { normalizeEmail } from '@neonhub/db';
import { apiRoutes } from '@neonhub/schemas';
import { GitHub, generateState } from 'arctic';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { hostErrors } from '../errors.js';
import { addRoute } from '../server/route.js';
import type { AccountDeps } from './deps.js';
import { acceptInvites } from './invites.js';
import { readCookie, sessionCookie } from './principal.js';
import type { SessionService } from './sessions.js';

const STATE_COOKIE = '__Host-neonhub_oauth_state';

export interface GitHubOAuthConfig {
  clientId: string;
  clientSecret: string;
}

export const githubConfigFromEnv = (env: NodeJS.ProcessEnv): GitHubOAuthConfig | undefined =>
  env.GITHUB_CLIENT_ID && env.GITHUB_CLIENT_SECRET ? { clientId: env.GITHUB_CLIENT_ID, clientSecret: env.GITHUB_CLIENT_SECRET } : undefined;

const origin = (request: FastifyRequest, publicBaseUrl?: string) =>
  publicBaseUrl?.replace(/\/$/, '') ?? `${request.protocol}://${request.headers.host}`;

/**
 * "Sign in with GitHub" (arctic), registered only when configured: /api/auth/github redirects to
 * GitHub with a state cookie; the callback checks the state, reads the verified primary e-mail,
 * finds or creates that user and starts a session. Not exercised by tests (no network here).
 */
export function registerGitHubRoutes(
  app: FastifyInstance,
  deps: AccountDeps & { sessions: SessionService; github?: GitHubOAuthConfig; publicBaseUrl?: string },
) {
  const client = (request: FastifyRequest) => {
    if (!deps.github) throw hostErrors.create('NH_AUTH_OAUTH_UNAVAILABLE', 'GitHub sign-in is not configured on this host');
    return new GitHub(deps.github.clientId, deps.github.clientSecret, `${origin(request, deps.publicBaseUrl)}/api/auth/github/callback`);
  };

  addRoute(app, apiRoutes.providers, async () => ({ github: Boolean(deps.github) }));

  addRoute(app, apiRoutes.github, async (request, reply) => {
    const state = generateState();
    const url = client(request).createAuthorizationURL(state, ['user:email']);
    reply.header('set-cookie', `${STATE_COOKIE}=${state}; Path=/; HttpOnly; Secure; SameSite=Lax; Max-Age=600`);
    reply.redirect(url.toString(), 302);
    return undefined;
  });

  addRoute(app, apiRoutes.githubCallback, async (request, reply) => {
    const github = client(request);
    const expected = readCookie(request.headers.cookie, STATE_COOKIE);
    if (!request.query.code || !request.query.state || request.query.state !== expected)
      throw hostErrors.create('NH_AUTH_OAUTH_UNAVAILABLE', 'the GitHub sign-in state did not match; start again from the log-in page');
    const tokens = await github.validateAuthorizationCode(request.query.code);
    const res = await fetch('https://api.github.com/user/emails', {
      headers: { authorization: `Bearer ${tokens.accessToken()}`, 'user-agent': 'neonhub' },
    });
    const emails = (await res.json()) as { email: string; primary: boolean; verified: boolean }[];
    const primary = Array.isArray(emails) ? emails.find((e) => e.primary && e.verified) : undefined;
    if (!primary) throw hostErrors.create('NH_AUTH_OAUTH_UNAVAILABLE', 'your GitHub account has no verified primary e-mail');
    let user = await deps.repos.users.getByEmail(primary.email);
    if (!user) {
      user = await deps.repos.users.create({ email: normalizeEmail(primary.email), passwordHash: null });
      await acceptInvites(deps, user);
    }
    // GitHub verified this address: it counts as verified here too.
    await deps.db
      .updateTable('users')
      .set({ email_verified_at: new Date() })
      .where('id', '=', user.id)
      .where('email_verified_at', 'is', null)
      .execute();
    const { token, session } = await deps.sessions.create(user.id);
    reply.header('set-cookie', [
      sessionCookie(token, session.expiresAt),
      `${STATE_COOKIE}=; Path=/; HttpOnly; Secure; SameSite=Lax; Max-Age=0`,
    ]);
    reply.redirect('/', 303);
    return undefined;
  });
}
