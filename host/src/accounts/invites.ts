import { normalizeEmail, type User } from '@neonhub/db';
import type { Role } from '@neonhub/schemas';
import type { AccountDeps } from './deps.js';

export interface Invite {
  workspaceId: string;
  email: string;
  role: Role;
  createdAt: string;
}

export async function listInvites(deps: AccountDeps, workspaceId: string): Promise<Invite[]> {
  const rows = await deps.db
    .selectFrom('invites')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .orderBy('created_at')
    .orderBy('email')
    .execute();
  return rows.map((r) => ({
    workspaceId: r.workspace_id,
    email: r.email,
    role: r.role,
    createdAt: new Date(r.created_at ?? 0).toISOString(),
  }));
}

/** A pending invite (insert or update of its role). */
export async function putInvite(deps: AccountDeps, workspaceId: string, email: string, role: Role, invitedBy: string | null) {
  await deps.db
    .insertInto('invites')
    .values({ workspace_id: workspaceId, email: normalizeEmail(email), role, invited_by: invitedBy })
    .onConflict((oc) => oc.columns(['workspace_id', 'email']).doUpdateSet({ role }))
    .execute();
}

export async function deleteInvite(deps: AccountDeps, workspaceId: string, email: string): Promise<boolean> {
  const r = await deps.db
    .deleteFrom('invites')
    .where('workspace_id', '=', workspaceId)
    .where('email', '=', normalizeEmail(email))
    .executeTakeFirst();
  return r.numDeletedRows > 0n;
}

/** Turns the invites for a new account's e-mail into memberships; returns the workspace ids joined. */
export async function acceptInvites(deps: AccountDeps, user: User): Promise<string[]> {
  const db = deps.db;
  const rows = await db.selectFrom('invites').selectAll().where('email', '=', normalizeEmail(user.email)).execute();
  for (const r of rows) {
    await deps.repos.members.add(r.workspace_id, user.id, r.role).catch(() => undefined);
    await db.deleteFrom('invites').where('workspace_id', '=', r.workspace_id).where('email', '=', r.email).execute();
  }
  return rows.map((r) => r.workspace_id);
}
