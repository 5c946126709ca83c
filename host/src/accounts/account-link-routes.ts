import { normalizeEmail } from '@neonhub/db';
import { apiRoutes } from '@neonhub/schemas';
import type { FastifyInstance } from 'fastify';
import { addRoute } from '../server/route.js';
import type { AccountMailer } from './account-mail.js';
import type { AccountLinks } from './account-tokens.js';
import { rateLimited, requireSession } from './auth-routes.js';
import { addressKey, type ClientIp } from './client-ip.js';
import type { AccountDeps } from './deps.js';
import type { LoginThrottle } from './login-throttle.js';
import { hashPassword } from './passwords.js';
import { createRateLimiter } from './rate-limit.js';
import type { SessionService } from './sessions.js';

export interface AccountLinkFlowDeps extends AccountDeps {
  links: AccountLinks;
  mail: AccountMailer;
  /** The console's origin for links in e-mails (NEONHUB_PUBLIC_URL, else the server's own address; never the Host header). */
  linkBase: () => string;
  /** Reset / verification e-mails per account in one window (default 3 per 15 minutes; more are dropped silently). */
  mailLimit?: { limit: number; windowMs: number; now?: () => number };
}

/** Issuing and mailing one-time links, in the background (callers answer at once: nothing to time). */
export function createAccountLinkFlows(deps: AccountLinkFlowDeps) {
  const perAccount = createRateLimiter(deps.mailLimit ?? { limit: 3, windowMs: 15 * 60_000 });
  const inFlight = new Set<Promise<void>>();
  const background = (task: () => Promise<void>) => {
    const p = task()
      .catch((err) => deps.logger?.error({ err }, 'account link could not be issued'))
      .finally(() => inFlight.delete(p));
    inFlight.add(p);
  };
  const allowed = (email: string) => {
    const key = normalizeEmail(email);
    if (perAccount.blockedFor(key) > 0) return false;
    perAccount.hit(key);
    return true;
  };

  async function mailReset(email: string) {
    const user = await deps.repos.users.getByEmail(email);
    if (!user) return;
    const { token } = await deps.links.issue(user.id, user.email, 'password_reset');
    const link = `${deps.linkBase()}/reset?token=${token}`;
    deps.mail.send({
      to: user.email,
      subject: 'Reset your NeonHub password',
      text: `Someone (hopefully you) asked to reset the password of the NeonHub account ${user.email}.\n\nOpen this link within ${Math.round(deps.links.lifetimeMs.password_reset / 60_000)} minutes to choose a new password (it works once):\n${link}\n\nIf it was not you, ignore this e-mail: your password stays as it is.`,
      link,
      purpose: 'password_reset',
      idempotencyKey: `account-link:${token.slice(-12)}`,
    });
  }

  async function mailVerification(user: { id: string; email: string }) {
    const { token } = await deps.links.issue(user.id, user.email, 'email_verify');
    const link = `${deps.linkBase()}/verify?token=${token}`;
    deps.mail.send({
      to: user.email,
      subject: 'Confirm your e-mail for NeonHub',
      text: `Confirm that ${user.email} is yours by opening this link within ${Math.round(deps.links.lifetimeMs.email_verify / 3_600_000)} hours:\n${link}\n\nIf you did not create a NeonHub account, ignore this e-mail.`,
      link,
      purpose: 'email_verify',
      idempotencyKey: `account-link:${token.slice(-12)}`,
    });
  }

  return {
    requestReset(email: string) {
      if (allowed(email)) background(() => mailReset(email));
    },
    sendVerification(user: { id: string; email: string }) {
      if (allowed(user.email)) background(() => mailVerification(user));
    },
    /** Resolves when every link started so far was issued and handed to the connector (tests, shutdown). */
    async settled() {
      while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
      await deps.mail.settled();
    },
  };
}

export type AccountLinkFlows = ReturnType<typeof createAccountLinkFlows>;

/**
 * Password reset and e-mail verification (public routes; docs/console.md, "Password reset"):
 * - POST /api/auth/password-reset { email } -> 202 whether or not the account exists;
 * - POST /api/auth/password-reset/confirm { token, password } -> the link works once, within an hour; the
 *   password is replaced and every session of the user ends;
 * - POST /api/auth/verify-email (signed in) -> a new verification link; /confirm { token } marks the e-mail verified.
 */
export function registerAccountLinkRoutes(
  app: FastifyInstance,
  deps: AccountDeps & {
    sessions: SessionService;
    links: AccountLinks;
    flows: AccountLinkFlows;
    throttle: LoginThrottle;
    clientIp: ClientIp;
    /** Reset requests per client address (default 20 per 15 minutes). */
    requestLimit?: { limit: number; windowMs: number; now?: () => number };
  },
) {
  const perAddress = createRateLimiter(deps.requestLimit ?? { limit: 20, windowMs: 15 * 60_000 });

  addRoute(app, apiRoutes.passwordReset, async (request, reply) => {
    const body = request.body;
    const ip = addressKey(deps.clientIp(request));
    const wait = perAddress.blockedFor(ip);
    if (wait > 0) throw rateLimited(reply, 'address', wait, 'password-reset requests');
    perAddress.hit(ip);
    deps.flows.requestReset(body.email);
    reply.status(202);
    return { accepted: true as const };
  });

  addRoute(app, apiRoutes.passwordResetConfirm, async (request) => {
    const body = request.body;
    await deps.links.check(body.token, 'password_reset'); // a bad link fails before the slow hash
    const passwordHash = await hashPassword(body.password);
    const { email, result: sessionsEnded } = await deps.links.consume(body.token, 'password_reset', async (trx, link) => {
      // Following the link proved the mailbox: the e-mail counts as verified too.
      await trx
        .updateTable('users')
        .set({ password_hash: passwordHash, email_verified_at: new Date() })
        .where('id', '=', link.userId)
        .execute();
      const ended = await trx.deleteFrom('sessions').where('user_id', '=', link.userId).executeTakeFirst();
      return Number(ended.numDeletedRows);
    });
    deps.throttle.forgetAccount(normalizeEmail(email), addressKey(deps.clientIp(request)));
    return { reset: true as const, sessionsEnded };
  });

  addRoute(app, apiRoutes.verifyEmail, async (request, reply) => {
    const p = requireSession(request);
    deps.flows.sendVerification(p.user);
    reply.status(202);
    return { accepted: true as const };
  });

  addRoute(app, apiRoutes.verifyEmailConfirm, async (request) => {
    const body = request.body;
    const { email } = await deps.links.consume(body.token, 'email_verify', async (trx, link) => {
      await trx
        .updateTable('users')
        .set({ email_verified_at: new Date() })
        .where('id', '=', link.userId)
        .where('email', '=', link.email)
        .execute();
    });
    return { verified: true as const, email };
  });
}
