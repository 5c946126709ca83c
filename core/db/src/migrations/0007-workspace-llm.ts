import { type Kysely, type Migration, sql } from 'kysely';

/**
 * The language model a workspace uses (host/src/workspaces/llm-settings.ts): provider, model, base URL and
 * options as JSON; null = the host's default (NEONHUB_LLM_*). The API key is a secret (AES-GCM, `secrets`
 * with plugin id `@llm`), never in this column.
 */
export const workspaceLlm: Migration = {
  async up(db: Kysely<unknown>) {
    await sql`alter table workspaces add column llm jsonb`.execute(db);
  },
  async down(db: Kysely<unknown>) {
    await sql`alter table workspaces drop column llm`.execute(db);
  },
};
