import { createRepositories, type DB, type Kysely, normalizeEmail } from '@neonhub/db';
import { isNeonHubError, type Role, RoleSchema } from '@neonhub/schemas';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { hostErrors } from '../errors.js';
import { parseBody } from '../server/parse-body.js';
import type { AccountDeps } from './deps.js';
import { deleteInvite, listInvites, putInvite } from './invites.js';
import { atLeast } from './principal.js';

const InviteSchema = z.strictObject({ email: z.email().max(254), role: RoleSchema.default('member') });
const RoleBodySchema = z.strictObject({ role: RoleSchema });

type Params = { ws: string; userId: string; email: string };

/** The workspace id and the caller's role (the local operator counts as owner). */
export async function accessOf(deps: AccountDeps, request: FastifyRequest): Promise<{ workspaceId: string; role: Role; userId?: string }> {
  const p = request.principal;
  const userId = p?.type === 'session' ? p.user.id : undefined;
  if (request.workspaceAccess) return { ...request.workspaceAccess, ...(userId ? { userId } : {}) };
  const ws = await deps.service.resolveWorkspace((request.params as { ws: string }).ws);
  return { workspaceId: ws.id, role: 'owner' };
}

const lastOwner = () =>
  hostErrors.create('NH_MEMBER_LAST_OWNER', 'the workspace would be left without an owner; make someone else owner first');
const memberNotFound = (id: string) =>
  hostErrors.create('NH_MEMBER_NOT_FOUND', `no member ${id} in this workspace`, { details: { member: id } });

/** Changes one membership in a transaction that locks the owners, so two requests cannot both remove "another" owner. */
async function changeMember(db: Kysely<DB>, workspaceId: string, userId: string, change: { role: Role } | 'remove') {
  return db.transaction().execute(async (trx) => {
    const owners = await trx
      .selectFrom('members')
      .select('user_id')
      .where('workspace_id', '=', workspaceId)
      .where('role', '=', 'owner')
      .forUpdate()
      .execute();
    const repos = createRepositories(trx);
    const current = await repos.members.roleOf(workspaceId, userId);
    if (!current) throw memberNotFound(userId);
    const losesOwner = current === 'owner' && (change === 'remove' || change.role !== 'owner');
    if (losesOwner && owners.length <= 1) throw lastOwner();
    if (change === 'remove') await repos.members.remove(workspaceId, userId);
    else await repos.members.setRole(workspaceId, userId, change.role);
  });
}

export function registerMemberRoutes(app: FastifyInstance, deps: AccountDeps) {
  const { repos } = deps;

  app.get<{ Params: Pick<Params, 'ws'> }>('/api/workspaces/:ws/members', async (request) => {
    const { workspaceId } = await accessOf(deps, request);
    const members = await repos.members.list(workspaceId);
    const people = await Promise.all(
      members.map(async (m) => {
        const u = await repos.users.getById(m.userId);
        return { userId: m.userId, email: u?.email ?? '', name: u?.name ?? '', role: m.role, since: m.createdAt };
      }),
    );
    return { members: people, invites: await listInvites(deps, workspaceId) };
  });

  /** Invite by e-mail: an existing account joins at once; otherwise a pending invite waits for sign-up. */
  app.post<{ Params: Pick<Params, 'ws'> }>('/api/workspaces/:ws/members', async (request, reply) => {
    const { workspaceId, role: mine, userId: me } = await accessOf(deps, request);
    const body = parseBody(InviteSchema, request.body);
    if (body.role === 'owner' && mine !== 'owner')
      throw hostErrors.create('NH_AUTH_FORBIDDEN', 'only an owner can make someone an owner', { details: { need: 'owner', have: mine } });
    const user = await repos.users.getByEmail(body.email);
    reply.status(201);
    if (user) {
      try {
        const member = await repos.members.add(workspaceId, user.id, body.role);
        return { member: { userId: user.id, email: user.email, name: user.name, role: member.role, since: member.createdAt } };
      } catch (err) {
        if (isNeonHubError(err) && err.code === 'NH_DB_CONFLICT')
          throw hostErrors.create('NH_MEMBER_EXISTS', `${user.email} is already a member`, { cause: err });
        throw err;
      }
    }
    await putInvite(deps, workspaceId, body.email, body.role, me ?? null);
    return { invite: { email: normalizeEmail(body.email), role: body.role } };
  });

  app.patch<{ Params: Pick<Params, 'ws' | 'userId'> }>('/api/workspaces/:ws/members/:userId', async (request) => {
    const { workspaceId, role: mine } = await accessOf(deps, request);
    const body = parseBody(RoleBodySchema, request.body);
    const target = await repos.members.roleOf(workspaceId, request.params.userId);
    if (!target) throw memberNotFound(request.params.userId);
    if ((body.role === 'owner' || target === 'owner') && mine !== 'owner')
      throw hostErrors.create('NH_AUTH_FORBIDDEN', 'only an owner can grant or take away the owner role', {
        details: { need: 'owner', have: mine },
      });
    await changeMember(deps.db, workspaceId, request.params.userId, { role: body.role });
    return { userId: request.params.userId, role: body.role };
  });

  app.delete<{ Params: Pick<Params, 'ws' | 'userId'> }>('/api/workspaces/:ws/members/:userId', async (request, reply) => {
    const { workspaceId, role: mine, userId: me } = await accessOf(deps, request);
    const target = await repos.members.roleOf(workspaceId, request.params.userId);
    if (!target) throw memberNotFound(request.params.userId);
    if (target === 'owner' && mine !== 'owner' && me !== request.params.userId)
      throw hostErrors.create('NH_AUTH_FORBIDDEN', 'only an owner can remove an owner', { details: { need: 'owner', have: mine } });
    if (me !== request.params.userId && !atLeast(mine, 'admin'))
      throw hostErrors.create('NH_AUTH_FORBIDDEN', 'only owners and admins remove members', { details: { need: 'admin', have: mine } });
    await changeMember(deps.db, workspaceId, request.params.userId, 'remove');
    reply.status(204);
  });

  app.delete<{ Params: Pick<Params, 'ws' | 'email'> }>('/api/workspaces/:ws/invites/:email', async (request, reply) => {
    const { workspaceId } = await accessOf(deps, request);
    if (!(await deleteInvite(deps, workspaceId, request.params.email)))
      throw hostErrors.create('NH_MEMBER_NOT_FOUND', `no pending invite for ${request.params.email}`);
    reply.status(204);
  });
}
