import type { WorkspacePlugin } from '@neonhub/schemas';
import { type Kysely, type Selectable, sql } from 'kysely';
import { dbErrors } from '../errors.js';
import { mapped } from '../pg-errors.js';
import type { DB, WorkspacePluginsTable } from '../types.js';
import { inTransaction, iso, isUuid } from './util.js';

const constraints = { workspace_plugins_workspace_id_fkey: { table: 'workspace_plugins', field: 'workspace_id' } };

function toWorkspacePlugin(row: Selectable<WorkspacePluginsTable>): WorkspacePlugin {
  return {
    workspaceId: row.workspace_id,
    pluginId: row.plugin_id,
    enabled: row.enabled,
    config: row.config ?? {},
    updatedAt: iso(row.updated_at),
  };
}

function checkWorkspace(workspaceId: string) {
  if (!isUuid(workspaceId)) {
    throw dbErrors.create(
      'NH_DB_REFERENCE_MISSING',
      `workspace_plugins.workspace_id refers to a row that does not exist (${JSON.stringify(workspaceId)} is not an id)`,
      {
        details: { table: 'workspace_plugins', field: 'workspace_id' },
      },
    );
  }
}

/** The result of a write, with the state before it (for change events). */
export interface PluginStateChange {
  plugin: WorkspacePlugin;
  wasEnabled: boolean;
}

/** Which plugins are enabled in a workspace, and their config. Every function takes the workspace id first. */
export function workspacePluginsRepository(db: Kysely<DB>) {
  /** The row's current `enabled`, locked until the transaction ends (undefined when there is no row). */
  const lockRow = (trx: Kysely<DB>, workspaceId: string, pluginId: string) =>
    trx
      .selectFrom('workspace_plugins')
      .select('enabled')
      .where('workspace_id', '=', workspaceId)
      .where('plugin_id', '=', pluginId)
      .forUpdate()
      .executeTakeFirst();

  /** Upserts one row under a row lock, returning it and whether it was enabled before. */
  function write(
    workspaceId: string,
    pluginId: string,
    set: { enabled?: boolean; config?: Record<string, unknown> },
  ): Promise<PluginStateChange> {
    checkWorkspace(workspaceId);
    return mapped(
      () =>
        inTransaction(db, async (trx) => {
          const before = await lockRow(trx, workspaceId, pluginId);
          const row = await trx
            .insertInto('workspace_plugins')
            .values({
              workspace_id: workspaceId,
              plugin_id: pluginId,
              enabled: set.enabled ?? false,
              config: JSON.stringify(set.config ?? {}),
            })
            .onConflict((oc) =>
              oc.columns(['workspace_id', 'plugin_id']).doUpdateSet({
                ...(set.enabled === undefined ? {} : { enabled: set.enabled }),
                ...(set.config === undefined ? {} : { config: JSON.stringify(set.config) }),
                updated_at: sql`now()`,
              }),
            )
            .returningAll()
            .executeTakeFirstOrThrow();
          return { plugin: toWorkspacePlugin(row), wasEnabled: before?.enabled ?? false };
        }),
      constraints,
    );
  }

  return {
    /** Enables the plugin; `config` replaces the stored config when given. */
    enable(workspaceId: string, pluginId: string, config?: Record<string, unknown>): Promise<PluginStateChange> {
      return write(workspaceId, pluginId, { enabled: true, ...(config === undefined ? {} : { config }) });
    },

    /** Disables the plugin, keeping its config and secrets. Undefined when it was never set up here. */
    async disable(workspaceId: string, pluginId: string): Promise<PluginStateChange | undefined> {
      if (!isUuid(workspaceId)) return undefined;
      return mapped(() =>
        inTransaction(db, async (trx) => {
          const before = await lockRow(trx, workspaceId, pluginId);
          if (!before) return undefined;
          const row = await trx
            .updateTable('workspace_plugins')
            .set({ enabled: false, updated_at: sql`now()` })
            .where('workspace_id', '=', workspaceId)
            .where('plugin_id', '=', pluginId)
            .returningAll()
            .executeTakeFirstOrThrow();
          return { plugin: toWorkspacePlugin(row), wasEnabled: before.enabled };
        }),
      );
    },

    /** Replaces the config, creating a (disabled) row when there is none. */
    setConfig(workspaceId: string, pluginId: string, config: Record<string, unknown>): Promise<PluginStateChange> {
      return write(workspaceId, pluginId, { config });
    },

    async get(workspaceId: string, pluginId: string): Promise<WorkspacePlugin | undefined> {
      if (!isUuid(workspaceId)) return undefined;
      const row = await mapped(() =>
        db
          .selectFrom('workspace_plugins')
          .selectAll()
          .where('workspace_id', '=', workspaceId)
          .where('plugin_id', '=', pluginId)
          .executeTakeFirst(),
      );
      return row && toWorkspacePlugin(row);
    },

    /** Every plugin set up in the workspace, enabled or not. */
    async list(workspaceId: string): Promise<WorkspacePlugin[]> {
      if (!isUuid(workspaceId)) return [];
      const rows = await mapped(() =>
        db.selectFrom('workspace_plugins').selectAll().where('workspace_id', '=', workspaceId).orderBy('plugin_id').execute(),
      );
      return rows.map(toWorkspacePlugin);
    },

    async listEnabled(workspaceId: string): Promise<WorkspacePlugin[]> {
      if (!isUuid(workspaceId)) return [];
      const rows = await mapped(() =>
        db
          .selectFrom('workspace_plugins')
          .selectAll()
          .where('workspace_id', '=', workspaceId)
          .where('enabled', '=', true)
          .orderBy('plugin_id')
          .execute(),
      );
      return rows.map(toWorkspacePlugin);
    },
  };
}

export type WorkspacePluginsRepository = ReturnType<typeof workspacePluginsRepository>;
