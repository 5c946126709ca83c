import { createRepositories, type DB, isUuid, type Kysely, type SecretName } from '@neonhub/db';
import { CreateWorkspaceSchema, isNeonHubError, type PluginManifest, type Workspace, type WorkspacePlugin } from '@neonhub/schemas';
import { hostErrors } from '../errors.js';
import type { SecretBox } from '../secrets/index.js';
import { createConfigValidator } from './config-validator.js';
import { createPluginStateCache } from './plugin-state-cache.js';

/** A plugin was enabled, disabled or reconfigured in a workspace (the MCP gateway sends tools/list_changed). */
export interface WorkspaceChange {
  type: 'enabled' | 'disabled' | 'configured';
  workspaceId: string;
  pluginId: string;
}

export interface WorkspaceServiceOptions {
  db: Kysely<DB>;
  secrets: SecretBox;
  /** The installed plugin's manifest, or undefined when no plugin has this id. */
  getManifest(pluginId: string): PluginManifest | undefined;
  /** How long another host's writes may take to show here (default 5000 ms). */
  cacheTtlMs?: number;
  logger?: { warn(obj: object, msg: string): void };
}

/**
 * Workspaces, per-workspace plugin enablement and config, and encrypted plugin secrets.
 * Methods taking `ws` accept a workspace id or slug (NH_WORKSPACE_NOT_FOUND when neither).
 */
export function createWorkspaceService(opts: WorkspaceServiceOptions) {
  const repos = createRepositories(opts.db);
  const validateConfig = createConfigValidator();
  const listeners = new Set<(change: WorkspaceChange) => void>();
  const onCreated = new Set<(workspace: Workspace) => Promise<void>>();
  const warn = (obj: object, msg: string) => opts.logger?.warn(obj, msg);
  const plugins = createPluginStateCache((id) => repos.workspacePlugins.list(id), {
    ttlMs: opts.cacheTtlMs ?? 5000,
    onError: (err) => warn({ err }, 'refreshing the plugin state cache failed'),
  });
  /** Workspaces by id and by slug; neither changes once created. */
  const known = new Map<string, Workspace>();

  const remember = (w: Workspace) => {
    known.set(w.id, w);
    known.set(w.slug, w);
    return w;
  };

  function emit(change: WorkspaceChange) {
    for (const listener of listeners) {
      try {
        listener(change);
      } catch (err) {
        warn({ err, change }, 'a workspace change listener threw');
      }
    }
  }

  function manifestOf(pluginId: string): PluginManifest {
    const manifest = opts.getManifest(pluginId);
    if (!manifest)
      throw hostErrors.create('NH_PLUGIN_NOT_FOUND', `no installed plugin has the id ${pluginId} (\`neonhub plugin list\` shows them)`, {
        details: { plugin: pluginId },
      });
    return manifest;
  }

  async function resolveWorkspace(slugOrId: string): Promise<Workspace> {
    const cached = known.get(slugOrId);
    if (cached) return cached;
    const found = isUuid(slugOrId)
      ? ((await repos.workspaces.getById(slugOrId)) ?? (await repos.workspaces.getBySlug(slugOrId)))
      : await repos.workspaces.getBySlug(slugOrId);
    if (!found)
      throw hostErrors.create('NH_WORKSPACE_NOT_FOUND', `no workspace has the slug or id ${slugOrId}`, {
        details: { workspace: slugOrId },
      });
    return remember(found);
  }

  const idOf = async (ws: string) => known.get(ws)?.id ?? (await resolveWorkspace(ws)).id;

  async function pluginRow(ws: string, pluginId: string): Promise<{ workspaceId: string; row: WorkspacePlugin | undefined }> {
    const workspaceId = await idOf(ws);
    const state = await plugins.get(workspaceId);
    return { workspaceId, row: state.plugins.get(pluginId) };
  }

  function secretManifest(pluginId: string, name: string): PluginManifest {
    const manifest = manifestOf(pluginId);
    if (!manifest.secrets.some((s) => s.name === name)) {
      throw hostErrors.create('NH_SECRET_UNDECLARED', `plugin ${pluginId} does not declare a secret named ${name}`, {
        details: { plugin: pluginId, name, declared: manifest.secrets.map((s) => s.name) },
      });
    }
    return manifest;
  }

  return {
    /** NH_WORKSPACE_INVALID for a bad slug or name, NH_WORKSPACE_EXISTS for a taken slug. With an owner, both rows or neither. */
    async createWorkspace(input: unknown, options: { ownerUserId?: string } = {}): Promise<Workspace> {
      const parsed = CreateWorkspaceSchema.safeParse(input);
      if (!parsed.success) {
        const issues = parsed.error.issues.map((i) => ({ path: i.path.join('.') || '(body)', message: i.message }));
        throw hostErrors.create('NH_WORKSPACE_INVALID', `invalid workspace: ${issues.map((i) => `${i.path} ${i.message}`).join('; ')}`, {
          details: { issues },
        });
      }
      const { slug } = parsed.data;
      if (isUuid(slug)) {
        throw hostErrors.create('NH_WORKSPACE_INVALID', 'invalid workspace: slug must not look like an id (a uuid)', {
          details: { issues: [{ path: 'slug', message: 'must not look like a uuid' }] },
        });
      }
      try {
        const ws = await repos.workspaces.create({
          slug,
          name: parsed.data.name ?? slug,
          ...(options.ownerUserId ? { owner: { userId: options.ownerUserId } } : {}),
        });
        // what a new workspace gets at once (the host's system schedules); a failure is logged, the workspace stands
        for (const f of onCreated) await f(ws).catch((err) => warn({ err, workspace: ws.slug }, 'a workspace creation step failed'));
        return remember(ws);
      } catch (err) {
        if (isNeonHubError(err) && err.code === 'NH_DB_CONFLICT') {
          throw hostErrors.create('NH_WORKSPACE_EXISTS', `a workspace with the slug ${slug} already exists`, {
            details: { slug },
            cause: err,
          });
        }
        throw err;
      }
    },

    async listWorkspaces(): Promise<Workspace[]> {
      return (await repos.workspaces.list()).map(remember);
    },

    resolveWorkspace,
    /** Same as resolveWorkspace (the pipeline's WorkspaceAccess name). */
    resolve: resolveWorkspace,

    /**
     * Enables a plugin. `config` (validated, defaults applied) replaces the stored config;
     * without it the stored config is kept (re-validated) or `{}` is used. Unknown plugin:
     * NH_PLUGIN_NOT_FOUND; bad config: NH_CONFIG_INVALID and nothing is written.
     */
    async enablePlugin(ws: string, pluginId: string, config?: Record<string, unknown>): Promise<WorkspacePlugin> {
      const manifest = manifestOf(pluginId);
      const { workspaceId, row } = await pluginRow(ws, pluginId);
      const valid = validateConfig(manifest, config ?? row?.config ?? {});
      const { plugin, wasEnabled } = await repos.workspacePlugins.enable(workspaceId, pluginId, valid);
      plugins.put(plugin);
      if (!wasEnabled) emit({ type: 'enabled', workspaceId, pluginId });
      return plugin;
    },

    /**
     * Disables a plugin, keeping its config and secrets. True when it was enabled. Works for uninstalled plugins
     * the workspace still knows; an id neither installed nor known there is NH_PLUGIN_NOT_FOUND (a typo).
     */
    async disablePlugin(ws: string, pluginId: string): Promise<boolean> {
      const workspaceId = await idOf(ws);
      const change = await repos.workspacePlugins.disable(workspaceId, pluginId);
      if (!change) {
        manifestOf(pluginId);
        return false;
      }
      plugins.put(change.plugin);
      if (change.wasEnabled) emit({ type: 'disabled', workspaceId, pluginId });
      return change.wasEnabled;
    },

    /** Validates (defaults applied) and stores the config; returns what was stored. Does not enable the plugin. */
    async setConfig(ws: string, pluginId: string, config: Record<string, unknown>): Promise<Record<string, unknown>> {
      const manifest = manifestOf(pluginId);
      const workspaceId = await idOf(ws);
      const valid = validateConfig(manifest, config);
      const { plugin } = await repos.workspacePlugins.setConfig(workspaceId, pluginId, valid);
      plugins.put(plugin);
      emit({ type: 'configured', workspaceId, pluginId });
      return plugin.config;
    },

    /** The stored config; when there is none, the schema's defaults (or `{}`). */
    async getConfig(ws: string, pluginId: string): Promise<Record<string, unknown>> {
      const { row } = await pluginRow(ws, pluginId);
      if (row) return row.config;
      const manifest = opts.getManifest(pluginId);
      if (!manifest) return {};
      try {
        return validateConfig(manifest, {});
      } catch {
        return {};
      }
    },

    /**
     * Whether the plugin is enabled in the workspace. Answers synchronously (a boolean) once the
     * workspace is cached, which the first call for it does; a Promise only on that first call.
     */
    isEnabled(ws: string, pluginId: string): boolean | Promise<boolean> {
      const workspaceId = known.get(ws)?.id;
      if (workspaceId) {
        const state = plugins.get(workspaceId);
        if (!(state instanceof Promise)) return state.plugins.get(pluginId)?.enabled === true;
        return state.then((s) => s.plugins.get(pluginId)?.enabled === true);
      }
      return (async () => {
        const entry = await plugins.get(await idOf(ws));
        return entry.plugins.get(pluginId)?.enabled === true;
      })();
    },

    async listEnabledPlugins(ws: string): Promise<WorkspacePlugin[]> {
      const state = await plugins.get(await idOf(ws));
      return [...state.plugins.values()].filter((p) => p.enabled).sort((a, b) => a.pluginId.localeCompare(b.pluginId));
    },

    /** Every plugin set up in the workspace, enabled or not. */
    async listPlugins(ws: string): Promise<WorkspacePlugin[]> {
      const state = await plugins.get(await idOf(ws));
      return [...state.plugins.values()].sort((a, b) => a.pluginId.localeCompare(b.pluginId));
    },

    /** Encrypts and stores a secret. The name must be one the plugin's manifest declares (NH_SECRET_UNDECLARED). */
    async setSecret(ws: string, pluginId: string, name: string, value: string): Promise<void> {
      secretManifest(pluginId, name);
      if (typeof value !== 'string' || value.length === 0) {
        throw hostErrors.create('NH_REQUEST_INVALID', `the value of secret ${name} must be a non-empty string`, {
          details: { plugin: pluginId, name },
        });
      }
      const workspaceId = await idOf(ws);
      await repos.secrets.put(workspaceId, pluginId, name, opts.secrets.seal({ workspaceId, pluginId, name }, value));
    },

    /** The decrypted value, or undefined when it was never set. NH_SECRET_DECRYPT_FAILED when it does not decrypt here. */
    async getSecret(ws: string, pluginId: string, name: string): Promise<string | undefined> {
      const workspaceId = await idOf(ws);
      const stored = await repos.secrets.get(workspaceId, pluginId, name);
      return stored && opts.secrets.open({ workspaceId, pluginId, name }, stored);
    },

    async deleteSecret(ws: string, pluginId: string, name: string): Promise<boolean> {
      return repos.secrets.delete(await idOf(ws), pluginId, name);
    },

    /** Names and update times, never values; all plugins' when pluginId is omitted. */
    async listSecretNames(ws: string, pluginId?: string): Promise<SecretName[]> {
      return repos.secrets.listNames(await idOf(ws), pluginId);
    },

    /** Subscribes to enable/disable/config changes made through this service; returns the unsubscribe. */
    /** Runs (awaited) after each workspace is created, before createWorkspace returns; a failure is only logged. */
    onWorkspaceCreated(f: (workspace: Workspace) => Promise<void>): () => void {
      onCreated.add(f);
      return () => void onCreated.delete(f);
    },

    onChange(listener: (change: WorkspaceChange) => void): () => void {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },

    /** Drops cached plugin state (one workspace or all), e.g. after a change made by another process. */
    invalidate(workspaceId?: string) {
      plugins.invalidate(workspaceId);
    },
  };
}

export type WorkspaceService = ReturnType<typeof createWorkspaceService>;
