import { join } from 'node:path';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, LogController } from 'fastify';
import {
  type AccountOptions,
  accountDepsFromHost,
  ensureOperatorCredential,
  mountConsole,
  registerAccountRoutes,
} from '../accounts/index.js';
import { consentFromEvents, registerWebhookRoutes } from '../connections/webhooks.js';
import type { Host } from '../host.js';
import { registerMcpRoutes, registerOAuthRoutes } from '../mcp/index.js';
import { startNotifier } from '../notifications/index.js';
import { conversionsFromEvents } from '../results/conversion-events.js';
import { resultsFromWebhooks } from '../results/from-webhooks.js';
import { createRuns } from '../runs/index.js';
import { startScheduleRunner } from '../schedules/index.js';
import { secretMatcher } from '../secrets/index.js';
import { registerMetricsRoute } from '../telemetry/index.js';
import { parseHostList } from './allowed-hosts.js';
import { registerApi } from './api.js';
import { installAuthorization } from './authorize.js';
import { installErrorHandling } from './errors.js';
import { registerOpenApi } from './openapi.js';
import { installTrustBoundary } from './trust.js';

/** The host's HTTP API: health, plugins, workspaces and tool calls. Errors use the envelope. */
export interface BuildAppOptions {
  publicBaseUrl?: string;
  /** Extra Host names served (default NEONHUB_ALLOWED_HOSTS). */
  allowedHosts?: string[];
  accounts?: AccountOptions;
  /** The console's build to serve (default `<rootDir>/ui/build`); a benchmark serves another build beside it. */
  consoleBuildDir?: string;
  /** How often the notifier looks for things that wait (default 2 s). */
  notifyEveryMs?: number;
  /**
   * How often the runs' recovery sweep comes by (re-dispatching orphaned steps, failing steps whose approval expired;
   * default: the lease, 30 s). A test that arranges an expired approval sets it beyond its own length and decides when
   * the sweep runs.
   */
  recoverEveryMs?: number;
}

export async function buildApp(host: Host, opts: BuildAppOptions = {}): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: host.logger.child({ component: 'http' }) as FastifyBaseLogger,
    bodyLimit: 1_048_576,
    // one line per request would drown the log; errors are logged by the error handler
    logController: new LogController({ disableRequestLogging: true }),
  });
  installErrorHandling(app);
  // Every /api route declares who may call it (config.access); authorization runs before the body is read.
  installAuthorization(app);
  const openApi = await registerOpenApi(app);
  const publicBaseUrl = opts.publicBaseUrl ?? (process.env.NEONHUB_PUBLIC_URL || undefined);
  // Host allow-list (DNS rebinding), foreign origins refused, security headers: before any credential is read.
  await installTrustBoundary(app, {
    allowedHosts: opts.allowedHosts ?? parseHostList(process.env.NEONHUB_ALLOWED_HOSTS),
    ...(publicBaseUrl ? { publicBaseUrl } : {}),
  });
  // Sessions, API tokens, the operator credential and roles: no request is privileged without a credential.
  const operator = secretMatcher(ensureOperatorCredential(host.config.dataDir));
  registerAccountRoutes(app, accountDepsFromHost(host), {
    ...(publicBaseUrl ? { publicBaseUrl } : {}),
    operator,
    ...opts.accounts,
  });
  const ws = host.storage.service;

  // Prometheus text format; always on, no workspace ids (see docs/observability.md).
  registerMetricsRoute(app);

  // Every workspace is an MCP server at /mcp (Streamable HTTP, bearer API tokens, OAuth 2.1).
  const mcp = registerMcpRoutes(app, {
    registry: host.registry,
    callTool: host.callTool,
    logger: host.logger,
    tokens: host.storage.tokens,
    operator,
    workspaces: {
      ...host.storage.workspaces,
      enabledPlugins: async (id: string) => (await ws.listEnabledPlugins(id)).map((p) => p.pluginId),
    },
    options: {
      ...(publicBaseUrl ? { publicBaseUrl } : {}),
      allowedHosts: opts.allowedHosts ?? parseHostList(process.env.NEONHUB_ALLOWED_HOSTS),
    },
  });
  registerOAuthRoutes(app, {
    tokens: host.storage.tokens,
    // consent is given by a signed-in console user, for their workspaces, up to their role
    consenter: async (request) => {
      const p = request.principal;
      if (p?.type !== 'session') return undefined;
      const repos = host.storage.repos;
      const mine = await repos.workspaces.listForUser(p.user.id);
      const workspaces = await Promise.all(
        mine.map(async (w) => ({ id: w.id, slug: w.slug, name: w.name, role: (await repos.members.roleOf(w.id, p.user.id)) ?? 'viewer' })),
      );
      return { id: p.user.id, workspaces };
    },
    ...(publicBaseUrl ? { publicBaseUrl } : {}),
  });
  // An outside server's tools changed at run time (quarantined, lifted): the MCP clients of its workspaces re-list.
  const offToolsChanged = host.onPluginToolsChanged((pluginId) => void mcp.gateway.notifyPluginToolsChanged(pluginId));
  // A workspace's finished calls reach its MCP sessions as log messages, at or above each session's level.
  const offToolCall = host.onToolCall((record) => mcp.gateway.logToolCall(record));
  // A plugin that started late (slow, or on a retry) joined: the MCP clients of its workspaces re-list.
  const offJoined = host.plugins.onChange((s) => {
    if (s.status === 'ready') void mcp.gateway.notifyPluginToolsChanged(s.id);
  });
  const unsubscribe = ws.onChange((change) => {
    if (change.type !== 'configured') void mcp.notifyToolsChanged(change.workspaceId);
  });
  // Runs: goal -> plan -> steps on the queue (in-process, or BullMQ with REDIS_URL), events over WebSocket.
  const runs = await createRuns(host, opts.recoverEveryMs ? { recoverEveryMs: opts.recoverEveryMs } : {});
  // Schedules fire here: BullMQ delayed jobs with REDIS_URL, the database-polled timer otherwise (docs/schedules.md).
  const scheduleRunner = await startScheduleRunner({
    service: host.schedules,
    callTool: (req) => host.callTool(req),
    logger: host.logger.child({ component: 'schedules' }),
    tasks: host.systemTasks,
    ...(host.config.redisUrl ? { redisUrl: host.config.redisUrl } : {}),
  });
  // E-mail / Slack to the members who asked when a step waits for approval or a send failed (host/src/notifications).
  const notifier = startNotifier({
    db: host.storage.db,
    approvalsRequested: (o) => runs.approvalsRequested(o),
    resolveWorkspace: (id) => host.storage.service.resolveWorkspace(id),
    channels: (workspaceId) => host.storage.workspaces.channels?.(workspaceId),
    manifest: (id) => host.manifest(id),
    outbox: host.outbox,
    consoleUrl: publicBaseUrl ?? process.env.ORIGIN,
    logger: host.logger.child({ component: 'notifications' }),
    ...(opts.notifyEveryMs ? { everyMs: opts.notifyEveryMs } : {}),
  });
  // The API's resources (each route declares its schemas and access) and its OpenAPI document.
  await registerApi(app, host, runs);
  // Inbound provider webhooks (/hooks/<connector>/<connection>): verified, parsed, stored once; unsubscribes reach governance.
  await registerWebhookRoutes(app, host, { publicBaseUrl });
  const offConsent = host.storage.connectorEvents.onStored(consentFromEvents(host));
  // Payments (Stripe's paid checkouts) become conversions with their value.
  const offConversions = host.storage.connectorEvents.onStored(conversionsFromEvents(host));
  // ... and land in the results (per campaign, variant, channel, contact and day) through the send they are about.
  const offResults = host.storage.connectorEvents.onStored(
    resultsFromWebhooks(host.storage.db, host.logger.child({ component: 'results' })),
  );
  openApi.serve(app);
  app.addHook('onClose', async () => {
    unsubscribe();
    offConsent();
    offConversions();
    offResults();
    offToolsChanged();
    offToolCall();
    offJoined();
    await mcp.close();
    await scheduleRunner.close();
    await notifier.close();
    await runs.close();
  });
  // The SvelteKit console on the same origin (ui/build; a clear page when it is not built).
  await mountConsole(app, { buildDir: opts.consoleBuildDir ?? join(host.config.rootDir, 'ui/build') });
  return app;
}
