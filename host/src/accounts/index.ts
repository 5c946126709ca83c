import type { FastifyInstance } from 'fastify';
import { installAccessControl } from './access.js';
import type { AccountDeps } from './deps.js';
import { type GitHubOAuthConfig, githubConfigFromEnv, registerGitHubRoutes } from './github.js';
import { type LoginOptions, registerLoginRoutes } from './login-routes.js';
import { createSessionService, type SessionServiceOptions } from './sessions.js';
import { registerSetupRoutes } from './setup.js';

export { type ClientIp, createClientIp, parseTrustedProxies } from './client-ip.js';
export { type MountConsoleOptions, mountConsole } from './console.js';
export { type AccountDeps, accountDepsFromHost } from './deps.js';
export { ensureOperatorCredential, OPERATOR_PREFIX, readOperatorCredential } from './operator-credential.js';
export { type Principal, requestActor, resolvePrincipal, SESSION_COOKIE } from './principal.js';
export { createSessionService, SESSION_PREFIX, type Session, type SessionService } from './sessions.js';

export interface AccountOptions extends LoginOptions {
  /** Checks a presented operator credential (`Bearer nho_...`); without it no request is the operator. */
  operator?: (presented: string) => boolean;
  sessions?: SessionServiceOptions;
  /** Default: GITHUB_CLIENT_ID / GITHUB_CLIENT_SECRET from the environment. */
  github?: GitHubOAuthConfig | null;
  publicBaseUrl?: string;
}

/**
 * Console accounts on the host API: sign-up, log-in, log-out (everywhere), me; members and
 * invites; the console's read models (workspace plugins, the call record, API tokens); and the
 * principal + role check on every /api/workspaces route. Call it right after installErrorHandling.
 */
export function registerAccountRoutes(app: FastifyInstance, deps: AccountDeps, options: AccountOptions = {}) {
  const sessions = createSessionService(deps.db, options.sessions);
  const github = options.github === null ? undefined : (options.github ?? githubConfigFromEnv(process.env));
  installAccessControl(app, { ...deps, sessions, operator: options.operator ?? (() => false) });
  const login = registerLoginRoutes(app, { ...deps, sessions }, options);
  registerGitHubRoutes(app, {
    ...deps,
    sessions,
    ...(github ? { github } : {}),
    ...(options.publicBaseUrl ? { publicBaseUrl: options.publicBaseUrl } : {}),
  });
  registerSetupRoutes(app, { ...deps, sessions });
  return { sessions, clientIp: login.clientIp, accountLinks: login.flows };
}
