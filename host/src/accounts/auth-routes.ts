import { normalizeEmail } from '@neonhub/db';
import { isNeonHubError } from '@neonhub/schemas';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { hostErrors } from '../errors.js';
import { parseBody } from '../server/parse-body.js';
import type { AccountDeps } from './deps.js';
import { acceptInvites } from './invites.js';
import { dummyHash, hashPassword, verifyPassword } from './passwords.js';
import { clearedSessionCookie, sessionCookie } from './principal.js';
import type { RateLimiter } from './rate-limit.js';
import type { SessionService } from './sessions.js';

const EmailSchema = z.email().max(254);
const SignupSchema = z.strictObject({
  email: EmailSchema,
  password: z.string().min(10).max(256),
  name: z.string().trim().max(100).optional(),
});
const LoginSchema = z.strictObject({ email: z.string().min(1).max(254), password: z.string().min(1).max(256) });

/** The address a login attempt comes from: the console forwards its client's (trusted only from loopback). */
export function clientIp(request: FastifyRequest): string {
  const forwarded = request.headers['x-neonhub-client-ip'];
  const loopback = request.ip === '127.0.0.1' || request.ip === '::1' || request.ip === '::ffff:127.0.0.1';
  return loopback && typeof forwarded === 'string' && forwarded.length < 100 ? forwarded : request.ip;
}

export function requireSession(request: FastifyRequest) {
  const p = request.principal;
  if (p?.type !== 'session') throw hostErrors.create('NH_AUTH_REQUIRED', 'log in first: this route needs a signed-in session');
  return p;
}

export interface AuthRouteDeps extends AccountDeps {
  sessions: SessionService;
  limits: { ip: RateLimiter; account: RateLimiter };
}

export function registerAuthRoutes(app: FastifyInstance, deps: AuthRouteDeps) {
  const { repos, sessions } = deps;

  async function startSession(reply: FastifyReply, userId: string) {
    const { token, session } = await sessions.create(userId);
    reply.header('set-cookie', sessionCookie(token, session.expiresAt));
    return { token, expiresAt: session.expiresAt.toISOString() };
  }

  app.post('/api/auth/signup', async (request, reply) => {
    const body = parseBody(SignupSchema, request.body);
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
    reply.status(201);
    return { user, joined, session: await startSession(reply, user.id) };
  });

  app.post('/api/auth/login', async (request, reply) => {
    const body = parseBody(LoginSchema, request.body);
    const ipKey = `ip:${clientIp(request)}`;
    const accountKey = `account:${normalizeEmail(body.email)}`;
    const wait = Math.max(deps.limits.ip.blockedFor(ipKey), deps.limits.account.blockedFor(accountKey));
    if (wait > 0) {
      const retryAfterSeconds = Math.ceil(wait / 1000);
      reply.header('retry-after', String(retryAfterSeconds));
      throw hostErrors.create(
        'NH_AUTH_RATE_LIMITED',
        `too many failed log-ins; try again in ${Math.ceil(retryAfterSeconds / 60)} minute(s)`,
        {
          details: { retryAfterSeconds },
        },
      );
    }
    const user = await repos.users.getByEmail(body.email);
    const stored = user ? await repos.users.getPasswordHash(user.id) : undefined;
    const ok = await verifyPassword(stored ?? (await dummyHash()), body.password);
    if (!user || !stored || !ok) {
      deps.limits.ip.fail(ipKey);
      deps.limits.account.fail(accountKey);
      throw hostErrors.create('NH_AUTH_CREDENTIALS_INVALID', 'the e-mail or password is wrong');
    }
    deps.limits.account.reset(accountKey);
    return { user, session: await startSession(reply, user.id) };
  });

  app.post('/api/auth/logout', async (request, reply) => {
    const p = request.principal;
    if (p?.type === 'session') await sessions.invalidate(p.session.id);
    reply.header('set-cookie', clearedSessionCookie());
    return { loggedOut: true };
  });

  app.post('/api/auth/logout-all', async (request, reply) => {
    const p = requireSession(request);
    const ended = await sessions.invalidateAll(p.user.id);
    reply.header('set-cookie', clearedSessionCookie());
    return { loggedOut: true, sessionsEnded: ended };
  });

  app.get('/api/auth/me', async (request) => {
    const p = requireSession(request);
    const workspaces = await repos.workspaces.listForUser(p.user.id);
    const withRoles = await Promise.all(
      workspaces.map(async (w) => ({ ...w, role: (await repos.members.roleOf(w.id, p.user.id)) ?? 'viewer' })),
    );
    return { user: p.user, session: { expiresAt: p.session.expiresAt.toISOString() }, workspaces: withRoles };
  });
}
