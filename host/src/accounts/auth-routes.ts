import { normalizeEmail } from '@neonhub/db';
import { apiRoutes, isNeonHubError, type Me } from '@neonhub/schemas';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { hostErrors } from '../errors.js';
import { addRoute } from '../server/route.js';
import type { AccountLinkFlows } from './account-link-routes.js';
import { addressKey, type ClientIp } from './client-ip.js';
import type { AccountDeps } from './deps.js';
import { acceptInvites } from './invites.js';
import type { LoginThrottle, ThrottleScope } from './login-throttle.js';
import { dummyHash, hashPassword, verifyPassword } from './passwords.js';
import { clearedSessionCookie, sessionCookie } from './principal.js';
import type { SessionService } from './sessions.js';

export function requireSession(request: FastifyRequest) {
  const p = request.principal;
  if (p?.type !== 'session') throw hostErrors.create('NH_AUTH_REQUIRED', 'log in first: this route needs a signed-in session');
  return p;
}

export function rateLimited(reply: FastifyReply, scope: ThrottleScope, retryAfterMs: number, what = 'failed log-ins') {
  const retryAfterSeconds = Math.max(1, Math.ceil(retryAfterMs / 1000));
  reply.header('retry-after', String(retryAfterSeconds));
  const why =
    scope === 'address'
      ? `too many ${what} from your address`
      : scope === 'account'
        ? `too many ${what} for this account from new addresses (an address that signed in to it before still may; or reset the password)`
        : `too many ${what} for this account from your address`;
  return hostErrors.create('NH_AUTH_RATE_LIMITED', `${why}; try again in ${Math.ceil(retryAfterSeconds / 60)} minute(s)`, {
    details: { scope, retryAfterSeconds },
  });
}

export interface AuthRouteDeps extends AccountDeps {
  sessions: SessionService;
  throttle: LoginThrottle;
  clientIp: ClientIp;
  flows: AccountLinkFlows;
}

/** Sign-up (with an e-mail verification link), log-in (throttled by account and address), log-out, me. */
export function registerAuthRoutes(app: FastifyInstance, deps: AuthRouteDeps) {
  const { repos, sessions } = deps;

  async function startSession(reply: FastifyReply, userId: string) {
    const { token, session } = await sessions.create(userId);
    reply.header('set-cookie', sessionCookie(token, session.expiresAt));
    return { token, expiresAt: session.expiresAt.toISOString() };
  }

  addRoute(app, apiRoutes.signup, async (request, reply) => {
    const body = request.body;
    const passwordHash = await hashPassword(body.password);
    let user: Awaited<ReturnType<typeof repos.users.create>>;
    try {
      user = await repos.users.create({ email: body.email, name: body.name ?? '', passwordHash });
    } catch (err) {
      if (isNeonHubError(err) && err.code === 'NH_DB_CONFLICT')
        throw hostErrors.create('NH_AUTH_EMAIL_TAKEN', 'an account with this e-mail already exists; log in instead', { cause: err });
      throw err;
    }
    const joined = await acceptInvites(deps, user);
    deps.flows.sendVerification(user);
    reply.status(201);
    return { user, joined, session: await startSession(reply, user.id) };
  });

  addRoute(app, apiRoutes.login, async (request, reply) => {
    const body = request.body;
    // Counted before the (slow) password check, in the same synchronous step as the limit check.
    const attempt = deps.throttle.reserve(normalizeEmail(body.email), addressKey(deps.clientIp(request)));
    if (!attempt.ok) throw rateLimited(reply, attempt.scope, attempt.retryAfterMs);
    const user = await repos.users.getByEmail(body.email);
    const stored = user ? await repos.users.getPasswordHash(user.id) : undefined;
    const ok = await verifyPassword(stored ?? (await dummyHash()), body.password);
    if (!user || !stored || !ok) throw hostErrors.create('NH_AUTH_CREDENTIALS_INVALID', 'the e-mail or password is wrong');
    attempt.succeeded();
    return { user, session: await startSession(reply, user.id) };
  });

  addRoute(app, apiRoutes.logout, async (request, reply) => {
    const p = request.principal;
    if (p?.type === 'session') await sessions.invalidate(p.session.id);
    reply.header('set-cookie', clearedSessionCookie());
    return { loggedOut: true as const };
  });

  addRoute(app, apiRoutes.logoutAll, async (request, reply) => {
    const p = requireSession(request);
    const ended = await sessions.invalidateAll(p.user.id);
    reply.header('set-cookie', clearedSessionCookie());
    return { loggedOut: true as const, sessionsEnded: ended };
  });

  addRoute(app, apiRoutes.me, async (request) => meOf(deps, requireSession(request)));
}

/**
 * The signed-in person, their session and their workspaces with their role in each (`GET /api/auth/me`, and the
 * console shell's `me`): two queries, however many workspaces.
 */
export async function meOf(deps: Pick<AccountDeps, 'repos' | 'db'>, p: ReturnType<typeof requireSession>): Promise<Me> {
  const [workspaces, verified] = await Promise.all([
    deps.repos.workspaces.listForUserWithRoles(p.user.id),
    deps.db.selectFrom('users').select('email_verified_at').where('id', '=', p.user.id).executeTakeFirst(),
  ]);
  return {
    user: p.user,
    emailVerified: Boolean(verified?.email_verified_at),
    session: { expiresAt: p.session.expiresAt.toISOString() },
    workspaces,
  };
}
