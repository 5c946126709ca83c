import type { Kysely } from 'kysely';
import { sql } from 'kysely';
import { dbErrors } from '../errors.js';
import { mapped } from '../pg-errors.js';
import type { DB } from '../types.js';
import { bytes, iso, isUuid } from './util.js';

/** An encrypted secret as stored; the data layer never sees plaintext. */
export interface SealedSecret {
  ciphertext: Uint8Array;
  iv: Uint8Array;
  tag: Uint8Array;
  keyId: string;
}

export interface StoredSecret {
  workspaceId: string;
  pluginId: string;
  name: string;
  ciphertext: Buffer;
  iv: Buffer;
  tag: Buffer;
  keyId: string;
  updatedAt: string;
}

export interface SecretName {
  pluginId: string;
  name: string;
  updatedAt: string;
}

const constraints = { secrets_workspace_id_fkey: { table: 'secrets', field: 'workspace_id' } };

/** Encrypted plugin credentials per workspace. Every function takes the workspace id first. */
export function secretsRepository(db: Kysely<DB>) {
  return {
    /** Creates or replaces the secret. */
    async put(workspaceId: string, pluginId: string, name: string, sealed: SealedSecret): Promise<void> {
      if (!isUuid(workspaceId)) {
        throw dbErrors.create(
          'NH_DB_REFERENCE_MISSING',
          `secrets.workspace_id refers to a row that does not exist (${JSON.stringify(workspaceId)} is not an id)`,
          {
            details: { table: 'secrets', field: 'workspace_id' },
          },
        );
      }
      const values = { ciphertext: sealed.ciphertext, iv: sealed.iv, tag: sealed.tag, key_id: sealed.keyId };
      await mapped(
        () =>
          db
            .insertInto('secrets')
            .values({ workspace_id: workspaceId, plugin_id: pluginId, name, ...values })
            .onConflict((oc) => oc.columns(['workspace_id', 'plugin_id', 'name']).doUpdateSet({ ...values, updated_at: sql`now()` }))
            .execute(),
        constraints,
      );
    },

    async get(workspaceId: string, pluginId: string, name: string): Promise<StoredSecret | undefined> {
      if (!isUuid(workspaceId)) return undefined;
      const row = await mapped(() =>
        db
          .selectFrom('secrets')
          .selectAll()
          .where('workspace_id', '=', workspaceId)
          .where('plugin_id', '=', pluginId)
          .where('name', '=', name)
          .executeTakeFirst(),
      );
      if (!row) return undefined;
      return {
        workspaceId: row.workspace_id,
        pluginId: row.plugin_id,
        name: row.name,
        ciphertext: bytes(row.ciphertext),
        iv: bytes(row.iv),
        tag: bytes(row.tag),
        keyId: row.key_id,
        updatedAt: iso(row.updated_at),
      };
    },

    /** Names only, never values; all plugins' when pluginId is omitted. */
    async listNames(workspaceId: string, pluginId?: string): Promise<SecretName[]> {
      if (!isUuid(workspaceId)) return [];
      let q = db.selectFrom('secrets').select(['plugin_id', 'name', 'updated_at']).where('workspace_id', '=', workspaceId);
      if (pluginId !== undefined) q = q.where('plugin_id', '=', pluginId);
      const rows = await mapped(() => q.orderBy('plugin_id').orderBy('name').execute());
      return rows.map((r) => ({ pluginId: r.plugin_id, name: r.name, updatedAt: iso(r.updated_at) }));
    },

    /** True when a secret was deleted. */
    async delete(workspaceId: string, pluginId: string, name: string): Promise<boolean> {
      if (!isUuid(workspaceId)) return false;
      const r = await mapped(() =>
        db
          .deleteFrom('secrets')
          .where('workspace_id', '=', workspaceId)
          .where('plugin_id', '=', pluginId)
          .where('name', '=', name)
          .executeTakeFirst(),
      );
      return r.numDeletedRows > 0n;
    },
  };
}

export type SecretsRepository = ReturnType<typeof secretsRepository>;
