import { type Kysely, type Migration, sql } from 'kysely';

/**
 * The outbound allow-list of a workspace (host/src/workspaces/outbound.ts): entries such as `127.0.0.1:11434` or
 * `10.0.0.0/8` that its outbound requests (model baseURL, ctx.fetch) may reach although they are not public,
 * on top of the host-wide NEONHUB_OUTBOUND_ALLOW. A JSON array of strings; null = none. Only the operator sets it.
 */
export const workspaceOutbound: Migration = {
  async up(db: Kysely<unknown>) {
    await sql`alter table workspaces add column outbound_allow jsonb`.execute(db);
  },
  async down(db: Kysely<unknown>) {
    await sql`alter table workspaces drop column outbound_allow`.execute(db);
  },
};
