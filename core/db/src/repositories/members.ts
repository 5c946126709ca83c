import type { Member, Role } from '@neonhub/schemas';
import type { Kysely, Selectable } from 'kysely';
import { dbErrors } from '../errors.js';
import { mapped } from '../pg-errors.js';
import type { DB, MembersTable } from '../types.js';
import { iso, isUuid } from './util.js';

const constraints = {
  members_pkey: { table: 'members', field: 'user_id' },
  members_workspace_id_fkey: { table: 'members', field: 'workspace_id' },
  members_user_id_fkey: { table: 'members', field: 'user_id' },
};

function toMember(row: Selectable<MembersTable>): Member {
  return { workspaceId: row.workspace_id, userId: row.user_id, role: row.role, createdAt: iso(row.created_at) };
}

function checkIds(workspaceId: string, userId: string) {
  for (const [field, value] of [
    ['workspace_id', workspaceId],
    ['user_id', userId],
  ] as const) {
    if (!isUuid(value)) {
      throw dbErrors.create(
        'NH_DB_REFERENCE_MISSING',
        `members.${field} refers to a row that does not exist (${JSON.stringify(value)} is not an id)`,
        {
          details: { table: 'members', field },
        },
      );
    }
  }
}

/** Who belongs to a workspace, with which role. Every function takes the workspace id first. */
export function membersRepository(db: Kysely<DB>) {
  return {
    /** Already a member: NH_DB_CONFLICT. Unknown workspace or user: NH_DB_REFERENCE_MISSING. */
    async add(workspaceId: string, userId: string, role: Role): Promise<Member> {
      checkIds(workspaceId, userId);
      const row = await mapped(
        () =>
          db.insertInto('members').values({ workspace_id: workspaceId, user_id: userId, role }).returningAll().executeTakeFirstOrThrow(),
        constraints,
      );
      return toMember(row);
    },

    /** The updated member, or undefined when the user is not a member of this workspace. */
    async setRole(workspaceId: string, userId: string, role: Role): Promise<Member | undefined> {
      if (!isUuid(workspaceId) || !isUuid(userId)) return undefined;
      const row = await mapped(() =>
        db
          .updateTable('members')
          .set({ role })
          .where('workspace_id', '=', workspaceId)
          .where('user_id', '=', userId)
          .returningAll()
          .executeTakeFirst(),
      );
      return row && toMember(row);
    },

    /** True when a membership was removed. */
    async remove(workspaceId: string, userId: string): Promise<boolean> {
      if (!isUuid(workspaceId) || !isUuid(userId)) return false;
      const r = await mapped(() =>
        db.deleteFrom('members').where('workspace_id', '=', workspaceId).where('user_id', '=', userId).executeTakeFirst(),
      );
      return r.numDeletedRows > 0n;
    },

    async list(workspaceId: string): Promise<Member[]> {
      if (!isUuid(workspaceId)) return [];
      const rows = await mapped(() =>
        db.selectFrom('members').selectAll().where('workspace_id', '=', workspaceId).orderBy('created_at').orderBy('user_id').execute(),
      );
      return rows.map(toMember);
    },

    /** The members with their account's e-mail and name, in one query (the member list a page shows). */
    async listWithUsers(workspaceId: string): Promise<(Member & { email: string; name: string })[]> {
      if (!isUuid(workspaceId)) return [];
      const rows = await mapped(() =>
        db
          .selectFrom('members')
          .innerJoin('users', 'users.id', 'members.user_id')
          .selectAll('members')
          .select(['users.email', 'users.name'])
          .where('members.workspace_id', '=', workspaceId)
          .orderBy('members.created_at')
          .orderBy('members.user_id')
          .execute(),
      );
      return rows.map((r) => ({ ...toMember(r), email: r.email, name: r.name }));
    },

    async roleOf(workspaceId: string, userId: string): Promise<Role | undefined> {
      if (!isUuid(workspaceId) || !isUuid(userId)) return undefined;
      const row = await mapped(() =>
        db.selectFrom('members').select('role').where('workspace_id', '=', workspaceId).where('user_id', '=', userId).executeTakeFirst(),
      );
      return row?.role;
    },
  };
}

export type MembersRepository = ReturnType<typeof membersRepository>;
