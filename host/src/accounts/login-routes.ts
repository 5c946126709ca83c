import type { FastifyInstance } from 'fastify';
import { ownUrl } from '../server/allowed-hosts.js';
import { createAccountLinkFlows, registerAccountLinkRoutes } from './account-link-routes.js';
import { type AccountMailConfig, accountMailFromEnv, createAccountMailer } from './account-mail.js';
import { type AccountLinkServiceOptions, createAccountLinks } from './account-tokens.js';
import { registerAuthRoutes } from './auth-routes.js';
import { type ClientIp, createClientIp, parseTrustedProxies } from './client-ip.js';
import type { AccountDeps } from './deps.js';
import { createLoginThrottle, type LoginThrottleOptions } from './login-throttle.js';
import type { SessionService } from './sessions.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** Password-reset and verification links being issued and mailed in the background (await settled() in tests). */
    accountLinks: { settled(): Promise<void> };
    /** The address a request comes from (client-ip.ts): the console forwards it to its own server. */
    clientIp: ClientIp;
  }
}

export interface LoginOptions {
  /** Log-in throttling (default: 10 failures per account+address, 30 per address, 100 per account from new addresses, per 15 minutes). */
  loginLimit?: Partial<LoginThrottleOptions>;
  /** NEONHUB_TRUSTED_PROXIES: addresses / CIDR ranges of reverse proxies whose X-Forwarded-For is believed (default: the env). */
  trustedProxies?: string;
  /** Where account mail goes (default: NEONHUB_ACCOUNT_MAIL_WORKSPACE / NEONHUB_ACCOUNT_MAIL_TOOL, else the host's own `neonhub-accounts` workspace + the sandbox connector). */
  mail?: AccountMailConfig;
  /** Lifetimes of reset / verification links (tests). */
  links?: AccountLinkServiceOptions;
  /** The console's public origin for links in e-mails (else the server's own address). */
  publicBaseUrl?: string;
}

/** The server's own origin, for links when no public URL is configured (never the request's Host header). */
const ownOrigin = (app: FastifyInstance) => ownUrl(app.server.address()) ?? 'http://localhost';

/**
 * Sign-up, log-in and log-out with throttling by account and address, password reset and e-mail
 * verification through a workspace's e-mail connector. Returns what tests and shutdown wait on.
 */
export function registerLoginRoutes(app: FastifyInstance, deps: AccountDeps & { sessions: SessionService }, options: LoginOptions = {}) {
  const throttle = createLoginThrottle({ limit: 10, windowMs: 15 * 60_000, ...options.loginLimit });
  const clientIp = createClientIp({ trustedProxies: parseTrustedProxies(options.trustedProxies ?? process.env.NEONHUB_TRUSTED_PROXIES) });
  const links = createAccountLinks(deps.db, options.links);
  const mail = createAccountMailer({
    callTool: deps.callTool,
    logger: deps.logger,
    config: options.mail ?? accountMailFromEnv(process.env),
    workspaces: deps.service,
  });
  const linkBase = () => (options.publicBaseUrl ?? process.env.NEONHUB_PUBLIC_URL ?? ownOrigin(app)).replace(/\/$/, '');
  const flows = createAccountLinkFlows({ ...deps, links, mail, linkBase });
  registerAuthRoutes(app, { ...deps, throttle, clientIp, flows });
  registerAccountLinkRoutes(app, { ...deps, links, flows, throttle, clientIp });
  app.decorate('accountLinks', { settled: () => flows.settled() });
  app.decorate('clientIp', clientIp);
  app.addHook('onClose', () => flows.settled());
  return { clientIp, flows };
}
