import { createDatabase, createRepositories, type DB, type Kysely, migrate, type Repositories } from '@neonhub/db';
import { type PluginManifest, providesContract } from '@neonhub/schemas';
import type { PluginStore, StoredRecord } from '@neonhub/sdk';
import type { Logger } from 'pino';
import { type HostConfig, oauthAppKey } from './config.js';
import {
  type ConnectionService,
  type ConnectorEventStore,
  createChannelRouter,
  createConnectionService,
  createConnectorEventStore,
} from './connections/index.js';
import { llmConfigFromEnv } from './llm-config.js';
import { createDbTokenStore } from './mcp/token-store-db.js';
import { createTokenService, type TokenService } from './mcp/tokens.js';
import { createMcpOAuthService, type McpOAuthService } from './mcp-oauth/index.js';
import type { CallRecord, WorkspaceAccess } from './pipeline/call-tool.js';
import { installationSecrets } from './plugins/installation-secrets.js';
import { createRecordCache, RECORDS_CHANNEL } from './record-cache.js';
import { createRecordFreshness } from './record-freshness.js';
import { createResultsReader } from './results/reader.js';
import { SYSTEM_OWNER } from './schedules/store.js';
import { createSecretBox, loadSecretKey } from './secrets/index.js';
import {
  createWorkspaceLlm,
  createWorkspaceOutbound,
  createWorkspaceService,
  type WorkspaceLlm,
  type WorkspaceOutbound,
  type WorkspaceService,
} from './workspaces/index.js';

/**
 * The demo workspace's plugin configs: the sandbox e-mail connector simulates its recipients (delivered, opened,
 * clicked at the default rates, seeded by each message id, every event marked `sandbox: true` in its data), so a
 * fresh install's funnel and learning loop have something to show. Other plugins keep their defaults.
 */
export const DEMO_CONFIG: Readonly<Record<string, Record<string, unknown>>> = {
  'connector-email-sandbox': { engagement: {} },
};

export interface Storage {
  dialect: 'pglite' | 'postgres';
  /** The Kysely instance (console accounts keep sessions and invites in their own tables). */
  db: Kysely<DB>;
  repos: Repositories;
  service: WorkspaceService;
  /** API tokens (bearer auth for /mcp), stored only as SHA-256. */
  tokens: TokenService;
  /** What the call pipeline needs of workspaces. */
  workspaces: WorkspaceAccess;
  /** Each workspace's language model (its own settings, or the host's NEONHUB_LLM_* default). */
  llm: WorkspaceLlm;
  /** Each workspace's outbound allow-list and the guard its outbound requests pass (docs/security.md). */
  outbound: WorkspaceOutbound;
  /** Connected accounts of connector plugins (docs/connectors.md, "Connected accounts"). */
  connections: ConnectionService;
  /** Webhook events (delivered, bounced, unsubscribed...): `list` and `onStored` for the modules that read results. */
  connectorEvents: ConnectorEventStore;
  /** Upstream OAuth of outside MCP servers: each workspace's grant (docs/mcp.md, "Connecting an OAuth-protected MCP server"). */
  mcpOAuth: McpOAuthService;
  /**
   * PostgreSQL: this host's id in `host_leases` (its LISTEN connection's application_name is `neonhub-records <id>`;
   * docs/data.md, "Several hosts: cached records"). PGlite: absent.
   */
  hostId?: string;
  recordCalls(records: CallRecord[]): Promise<void>;
  /** Creates the `demo` workspace with these plugins enabled, when no workspace exists yet. */
  seedDemo(pluginIds: string[]): Promise<boolean>;
  close(): Promise<void>;
}

/** Opens the database (PGlite or PostgreSQL), migrates it, and builds the services over it. */
export async function openStorage(
  config: HostConfig,
  logger: Logger,
  getManifest: (id: string) => PluginManifest | undefined,
): Promise<Storage> {
  const database = await createDatabase(
    config.databaseUrl
      ? { databaseUrl: config.databaseUrl, onIdleError: (err) => logger.warn({ err }, 'idle database client failed') }
      : { dataDir: config.dataDir, pgliteThread: config.pgliteThread },
  );
  try {
    await migrate(database.db);
    const key = await loadSecretKey({
      ...(config.secretKey ? { value: config.secretKey } : {}),
      dataDir: config.dataDir,
      generate: !config.databaseUrl,
    });
    const repos = createRepositories(database.db);
    const secrets = createSecretBox(key);
    const service = createWorkspaceService({ db: database.db, secrets, getManifest, logger });
    // A new workspace gets the host's system schedules (social metrics pull, learning) when it is created, not at the
    // runner's next sweep: here, so one made by a storage-only CLI command (no host) gets them too. Imported when a
    // workspace is made: the results modules are not what a CLI command that opens storage should load.
    service.onWorkspaceCreated(async (ws) => {
      const [{ ensureSocialMetricsSchedules }, { ensureLearningSchedules }] = await Promise.all([
        import('./results/social-metrics.js'),
        import('./results/learning.js'),
      ]);
      await ensureSocialMetricsSchedules(database.db, SYSTEM_OWNER, new Date(), ws.id);
      await ensureLearningSchedules(database.db, SYSTEM_OWNER, new Date(), ws.id);
    });
    const idOf = async (ws: string) => (await service.resolveWorkspace(ws)).id;
    const outbound = createWorkspaceOutbound({ db: database.db, idOf, hostAllow: config.outboundAllow });
    const llm = createWorkspaceLlm({
      db: database.db,
      secrets,
      secretsRepo: repos.secrets,
      idOf,
      hostDefault: llmConfigFromEnv(process.env),
      outbound,
    });

    const connections = createConnectionService({
      db: database.db,
      box: secrets,
      getManifest,
      oauthApp: (pluginId) => config.oauthApps[oauthAppKey(pluginId)],
      fetchFor: (workspaceId) => outbound.fetchFor(workspaceId),
      logger,
    });
    const mcpOAuth = createMcpOAuthService({
      db: database.db,
      box: secrets,
      getManifest,
      resolveSecret: (pluginId, name) => installationSecrets(pluginId)(name),
      fetchFor: (workspaceId) => outbound.fetchFor(workspaceId),
      resolveWorkspace: (ref) => service.resolveWorkspace(ref),
    });
    const channelDeps = {
      connections,
      getManifest,
      enabledPlugins: async (workspaceId: string) => (await service.listEnabledPlugins(workspaceId)).map((p) => p.pluginId),
    };

    // Cached reads (store.get(c, k, { cached: true })): dropped on every write here, and on PostgreSQL on every
    // other host's write too: the write statement itself NOTIFYs (sent on commit, no extra round trip), LISTEN here.
    // On PostgreSQL a write of a collection some host reads cached returns only when every host has dropped its copy
    // or stopped trusting its cache (record-freshness.ts: leases renewed through the LISTEN connection, a barrier
    // the other hosts acknowledge; docs/data.md, "Several hosts: cached records").
    const cache = createRecordCache();
    const freshness = database.listen
      ? createRecordFreshness({ db: database.db, channel: RECORDS_CHANNEL, logger, reset: () => cache.reset() })
      : undefined;
    const stopListening =
      database.listen && freshness
        ? await database.listen(
            RECORDS_CHANNEL,
            {
              message: (payload) => {
                if (!freshness.message(payload)) cache.invalidate(payload);
              },
              reset: () => cache.reset(),
              connected: (query) => freshness.connected(query),
            },
            { applicationName: `neonhub-records ${freshness.hostId}` },
          )
        : undefined;
    // (plugin, collection) pairs this process has marked as read cached (the mark is in the database, once)
    const marking = new Map<string, Promise<void>>();
    const marked = new Set<string>();
    const markCached = (id: string, pluginId: string, collection: string): Promise<void> => {
      let p = marking.get(id);
      if (!p) {
        p = repos.pluginRecords.markCached(pluginId, collection).then(() => void marked.add(id));
        marking.set(id, p);
        p.catch(() => marking.delete(id));
      }
      return p;
    };
    const notifyOf = (key: string, pluginId: string, collection: string, wait: { cached: boolean }) =>
      stopListening
        ? {
            channel: RECORDS_CHANNEL,
            payload: key,
            cachedBy: {
              pluginId,
              collection,
              told: (cached: boolean) => {
                wait.cached = cached;
              },
            },
          }
        : undefined;
    const changed = async <T>(key: string, write: Promise<T>, wait: { cached: boolean }): Promise<T> => {
      try {
        return await write;
      } finally {
        cache.invalidate(key);
        if (wait.cached) await freshness?.barrier();
      }
    };
    // one store object per workspace and plugin, made on first use: a call's tool and each of its hooks ask for one
    const stores = new Map<string, PluginStore>();
    const store = (workspaceId: string, pluginId: string): PluginStore => {
      const id = `${workspaceId}\u0000${pluginId}`;
      let made = stores.get(id);
      if (!made) {
        made = makeStore(workspaceId, pluginId);
        stores.set(id, made);
      }
      return made;
    };
    const makeStore = (workspaceId: string, pluginId: string): PluginStore => {
      const r = repos.pluginRecords;
      const keyOf = (c: string, k: string) => cache.key(workspaceId, pluginId, c, k);
      const read = (c: string, k: string) => r.get(workspaceId, pluginId, c, k) as Promise<StoredRecord<never> | undefined>;
      const write = <T>(c: string, k: string, run: (notify: ReturnType<typeof notifyOf>) => Promise<T>) => {
        const key = keyOf(c, k);
        const wait = { cached: false };
        return changed(key, run(notifyOf(key, pluginId, c, wait)), wait);
      };
      const cachedGet = (c: string, k: string) => {
        if (!freshness) return cache.get(keyOf(c, k), () => read(c, k));
        const id = `${pluginId}\u0000${c}`;
        if (marked.has(id)) return cache.get(keyOf(c, k), () => read(c, k), freshness.trusted());
        // first cached read of this collection in this process: mark it first (writers then wait for this host)
        return markCached(id, pluginId, c).then(
          () => cache.get(keyOf(c, k), () => read(c, k), freshness.trusted()),
          () => read(c, k), // not marked: keep nothing
        );
      };
      return {
        get: (c, k, opts) => (opts?.cached ? cachedGet(c, k) : read(c, k)),
        put: (c, k, v) => write(c, k, (n) => r.put(workspaceId, pluginId, c, k, v, n)),
        putIf: (c, k, v, expected) => write(c, k, (n) => r.putIf(workspaceId, pluginId, c, k, v, expected, n)),
        delete: (c, k) => write(c, k, (n) => r.delete(workspaceId, pluginId, c, k, n)),
        deleteBefore: (c, k) => r.deleteBefore(workspaceId, pluginId, c, k),
        list: (c, opts) => r.list(workspaceId, pluginId, c, opts) as Promise<StoredRecord<never>[]>,
        append: (c, v) => r.append(workspaceId, pluginId, c, v),
        insertAll: (c, records) => r.insertAll(workspaceId, pluginId, c, records),
        count: (c) => r.count(workspaceId, pluginId, c),
      };
    };

    return {
      dialect: database.dialect,
      ...(freshness ? { hostId: freshness.hostId } : {}),
      db: database.db,
      repos,
      service,
      tokens: createTokenService(createDbTokenStore(database.db)),
      workspaces: {
        resolve: (slugOrId) => service.resolveWorkspace(slugOrId),
        isEnabled: (ws, pluginId) => service.isEnabled(ws, pluginId),
        getConfig: (ws, pluginId) => service.getConfig(ws, pluginId),
        getSecret: (ws, pluginId, name) => service.getSecret(ws, pluginId, name),
        store,
        llm: (workspaceId) => llm.access(workspaceId),
        outboundAllow: (workspaceId) => outbound.allowList(workspaceId),
        connections,
        channels: (workspaceId) => createChannelRouter(channelDeps, workspaceId),
        results: (workspaceId) => createResultsReader(database.db, workspaceId),
        providers: async (workspaceId, contract) =>
          (await channelDeps.enabledPlugins(workspaceId)).filter((id) => providesContract(getManifest(id)?.provides, contract)),
      },
      llm,
      outbound,
      connections,
      connectorEvents: createConnectorEventStore(database.db),
      mcpOAuth,
      async recordCalls(records) {
        await repos.toolCalls.recordBatch(
          records.map((r) => ({
            workspaceId: r.workspaceId,
            call: {
              callId: r.callId,
              pluginId: r.plugin,
              tool: r.tool,
              actor: r.actor,
              status: r.status,
              ...(r.errorCode ? { errorCode: r.errorCode } : {}),
              durationMs: Math.round(r.durationMs),
              idempotencyKey: r.idempotencyKey,
            },
          })),
        );
      },
      async seedDemo(pluginIds) {
        if ((await service.listWorkspaces()).length > 0) return false;
        const demo = await service.createWorkspace({ slug: 'demo', name: 'Demo workspace' });
        for (const id of pluginIds) {
          try {
            await service.enablePlugin(demo.id, id, DEMO_CONFIG[id]);
          } catch (err) {
            logger.warn({ err, plugin: id }, `could not enable ${id} in the demo workspace`);
          }
        }
        logger.info({ plugins: pluginIds }, 'seeded the demo workspace');
        return true;
      },
      close: async () => {
        await freshness?.close();
        await stopListening?.();
        await outbound.close();
        await database.close();
      },
    };
  } catch (err) {
    await database.close().catch(() => {});
    throw err;
  }
}
