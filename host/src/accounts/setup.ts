import { randomBytes } from 'node:crypto';
import { isNeonHubError, setupRoutes, type UserView } from '@neonhub/schemas';
import type { FastifyInstance } from 'fastify';
import { hostErrors } from '../errors.js';
import { sameSecret } from '../secrets/same-secret.js';
import { addRoute } from '../server/route.js';
import type { AccountDeps } from './deps.js';
import { hashPassword } from './passwords.js';
import { sessionCookie } from './principal.js';
import type { SessionService } from './sessions.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** The one-time first-owner setup of a fresh data directory (undefined once an account exists). */
    firstOwnerSetup: FirstOwnerSetup;
  }
}

export interface FirstOwnerSetup {
  /** The setup link for this base URL while no account exists (printed by `neonhub start`), else undefined. */
  link(baseUrl: string): Promise<string | undefined>;
}

async function countUsers(deps: AccountDeps): Promise<number> {
  const row = await deps.db
    .selectFrom('users')
    .select((eb) => eb.fn.countAll<string | number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

const view = (user: { id: string; email: string; name: string; createdAt: Date | string }): UserView => ({
  id: user.id,
  email: user.email,
  name: user.name,
  createdAt: new Date(user.createdAt).toISOString(),
});

/** Makes an account; `ownerOf` says which workspaces it becomes owner of. An e-mail in use is NH_AUTH_EMAIL_TAKEN. */
export async function createAccount(
  deps: Pick<AccountDeps, 'repos' | 'service'>,
  body: { email: string; password: string; name?: string | undefined },
  ownerOf: 'all' | 'unowned' | 'none',
): Promise<{ user: UserView; owns: string[] }> {
  const passwordHash = await hashPassword(body.password);
  let user: Awaited<ReturnType<AccountDeps['repos']['users']['create']>>;
  try {
    user = await deps.repos.users.create({ email: body.email, name: body.name ?? '', passwordHash });
  } catch (err) {
    if (isNeonHubError(err) && err.code === 'NH_DB_CONFLICT')
      throw hostErrors.create('NH_AUTH_EMAIL_TAKEN', 'an account with this e-mail already exists; log in instead', { cause: err });
    throw err;
  }
  const owns: string[] = [];
  if (ownerOf === 'none') return { user: view(user), owns };
  for (const ws of await deps.service.listWorkspaces()) {
    if (ownerOf === 'unowned' && (await deps.repos.members.list(ws.id)).some((m) => m.role === 'owner')) continue;
    await deps.repos.members.add(ws.id, user.id, 'owner');
    owns.push(ws.slug);
  }
  return { user: view(user), owns };
}

/**
 * The first owner. A fresh data directory has no account and no way in for a browser, so at start the
 * host makes a one-time token (in memory; a restart makes a new one while no account exists) and
 * `neonhub start` prints the console link `/setup?token=…`. The first account made with it owns the
 * workspaces that have no owner (the seeded `demo`). The operator can do the same at any time:
 * `neonhub user create --owner` (POST /api/users, operator only).
 */
export function registerSetupRoutes(app: FastifyInstance, deps: AccountDeps & { sessions: SessionService }) {
  let token: string | undefined = randomBytes(24).toString('base64url');
  const setup: FirstOwnerSetup = {
    async link(baseUrl) {
      if (token && (await countUsers(deps)) > 0) token = undefined;
      return token ? `${baseUrl.replace(/\/$/, '')}/setup?token=${token}` : undefined;
    },
  };
  app.decorate('firstOwnerSetup', setup);

  addRoute(app, setupRoutes.setupFirstOwner, async (request, reply) => {
    const body = request.body;
    const valid = token !== undefined && sameSecret(body.token, token);
    // a wrong guess does not spend the token (192 random bits: guessing is hopeless, burning it would let a stranger lock setup)
    if (!valid || (await countUsers(deps)) > 0) {
      throw hostErrors.create(
        'NH_AUTH_SETUP_INVALID',
        'this setup link is not valid (wrong, used, or an account exists): log in, or ask the operator for `neonhub user create --owner`',
      );
    }
    token = undefined; // one use, even if what follows fails
    const { user, owns } = await createAccount(deps, body, 'unowned');
    const { token: sessionToken, session } = await deps.sessions.create(user.id);
    reply.header('set-cookie', sessionCookie(sessionToken, session.expiresAt));
    reply.status(201);
    deps.logger?.info({ userId: user.id, owns }, 'first owner set up');
    return { user, owns, session: { token: sessionToken, expiresAt: session.expiresAt.toISOString() } };
  });

  addRoute(app, setupRoutes.createUser, async (request, reply) => {
    const created = await createAccount(deps, request.body, request.body.owner ? 'all' : 'none');
    token = undefined; // an account exists: the setup link is spent
    reply.status(201);
    return created;
  });
}
