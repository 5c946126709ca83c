import { createRepositories, type DB, type Kysely, normalizeEmail } from '@neonhub/db';
import { apiRoutes, isNeonHubError, type Role } from '@neonhub/schemas';
import type { FastifyInstance } from 'fastify';
import { deleteInvite, listInvites, putInvite } from '../../accounts/invites.js';
import { atLeast } from '../../accounts/principal.js';
import { hostErrors } from '../../errors.js';
import { forbidden } from '../authorize.js';
import { addRoute } from '../route.js';
import { scoped } from '../scopes.js';
import type { ApiDeps } from './deps.js';

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

/** A workspace's members (with their names and e-mails: one query, not one per member) and its pending invites. */
export async function memberList(deps: ApiDeps, workspaceId: string) {
  const { repos } = deps;
  const [members, invites] = await Promise.all([repos.members.listWithUsers(workspaceId), listInvites(deps, workspaceId)]);
  return {
    members: members.map((m) => ({ userId: m.userId, email: m.email, name: m.name, role: m.role, since: m.createdAt })),
    invites,
  };
}

/** Members and invites of a workspace: viewers list them; admins invite, change roles and remove; only owners touch owner. */
export async function memberRoutes(app: FastifyInstance, deps: ApiDeps) {
  const { repos } = deps;

  addRoute(app, apiRoutes.listMembers, async (request) => memberList(deps, scoped(request).workspaceId));

  /** Invite by e-mail: an existing account joins at once; otherwise a pending invite waits for sign-up. */
  addRoute(app, apiRoutes.inviteMember, async (request, reply) => {
    const { workspaceId, role: mine, userId: me } = scoped(request);
    const body = request.body;
    if (body.role === 'owner' && mine !== 'owner') throw forbidden('owner', mine, 'only an owner can make someone an owner');
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

  addRoute(app, apiRoutes.setMemberRole, async (request) => {
    const { workspaceId, role: mine } = scoped(request);
    const { userId } = request.params;
    const target = await repos.members.roleOf(workspaceId, userId);
    if (!target) throw memberNotFound(userId);
    if ((request.body.role === 'owner' || target === 'owner') && mine !== 'owner')
      throw forbidden('owner', mine, 'only an owner can grant or take away the owner role');
    await changeMember(deps.db, workspaceId, userId, { role: request.body.role });
    return { userId, role: request.body.role };
  });

  /** Declared admin with `self`: anyone may leave; removing someone else needs admin (an owner: owner). */
  addRoute(app, apiRoutes.removeMember, async (request, reply) => {
    const { workspaceId, role: mine, userId: me } = scoped(request);
    const { userId } = request.params;
    const target = await repos.members.roleOf(workspaceId, userId);
    if (!target) throw memberNotFound(userId);
    if (me !== userId) {
      if (!atLeast(mine, 'admin')) throw forbidden('admin', mine, 'only owners and admins remove members');
      if (target === 'owner' && mine !== 'owner') throw forbidden('owner', mine, 'only an owner can remove an owner');
    }
    await changeMember(deps.db, workspaceId, userId, 'remove');
    reply.status(204);
    return undefined;
  });

  addRoute(app, apiRoutes.deleteInvite, async (request, reply) => {
    if (!(await deleteInvite(deps, scoped(request).workspaceId, request.params.email)))
      throw hostErrors.create('NH_MEMBER_NOT_FOUND', `no pending invite for ${request.params.email}`);
    reply.status(204);
    return undefined;
  });
}
