import type { Workspace } from '@neonhub/schemas';
import type { Kysely, Selectable } from 'kysely';
import { mapped } from '../pg-errors.js';
import type { DB, RoleValue, WorkspacesTable } from '../types.js';
import { inTransaction, iso, isUuid } from './util.js';

export interface NewWorkspace {
  slug: string;
  name: string;
  /** Made the workspace's owner in the same transaction. */
  owner?: { userId: string; role?: RoleValue };
}

const constraints = {
  workspaces_slug_key: { table: 'workspaces', field: 'slug' },
  members_user_id_fkey: { table: 'members', field: 'user_id' },
};

export function toWorkspace(row: Selectable<WorkspacesTable>): Workspace {
  return { id: row.id, slug: row.slug, name: row.name, createdAt: iso(row.created_at) };
}

/** Workspaces themselves: the one repository whose functions do not start with a workspace id. */
export function workspacesRepository(db: Kysely<DB>) {
  return {
    /** A duplicate slug is NH_DB_CONFLICT (details.field = 'slug'); with an owner, both rows or neither. */
    create(input: NewWorkspace): Promise<Workspace> {
      return mapped(
        () =>
          inTransaction(db, async (trx) => {
            const row = await trx
              .insertInto('workspaces')
              .values({ slug: input.slug, name: input.name })
              .returningAll()
              .executeTakeFirstOrThrow();
            if (input.owner) {
              await trx
                .insertInto('members')
                .values({ workspace_id: row.id, user_id: input.owner.userId, role: input.owner.role ?? 'owner' })
                .execute();
            }
            return toWorkspace(row);
          }),
        constraints,
      );
    },

    async getById(id: string): Promise<Workspace | undefined> {
      if (!isUuid(id)) return undefined;
      const row = await mapped(() => db.selectFrom('workspaces').selectAll().where('id', '=', id).executeTakeFirst());
      return row && toWorkspace(row);
    },

    async getBySlug(slug: string): Promise<Workspace | undefined> {
      const row = await mapped(() => db.selectFrom('workspaces').selectAll().where('slug', '=', slug).executeTakeFirst());
      return row && toWorkspace(row);
    },

    async list(): Promise<Workspace[]> {
      const rows = await mapped(() => db.selectFrom('workspaces').selectAll().orderBy('created_at').orderBy('slug').execute());
      return rows.map(toWorkspace);
    },

    /** Workspaces the user is a member of. */
    async listForUser(userId: string): Promise<Workspace[]> {
      if (!isUuid(userId)) return [];
      const rows = await mapped(() =>
        db
          .selectFrom('workspaces')
          .innerJoin('members', 'members.workspace_id', 'workspaces.id')
          .selectAll('workspaces')
          .where('members.user_id', '=', userId)
          .orderBy('workspaces.created_at')
          .orderBy('workspaces.slug')
          .execute(),
      );
      return rows.map(toWorkspace);
    },

    /** The user's workspaces with their role in each, in one query (what every console page's session check reads). */
    async listForUserWithRoles(userId: string): Promise<(Workspace & { role: RoleValue })[]> {
      if (!isUuid(userId)) return [];
      const rows = await mapped(() =>
        db
          .selectFrom('workspaces')
          .innerJoin('members', 'members.workspace_id', 'workspaces.id')
          .selectAll('workspaces')
          .select('members.role')
          .where('members.user_id', '=', userId)
          .orderBy('workspaces.created_at')
          .orderBy('workspaces.slug')
          .execute(),
      );
      return rows.map((r) => ({ ...toWorkspace(r), role: r.role }));
    },
  };
}

export type WorkspacesRepository = ReturnType<typeof workspacesRepository>;
