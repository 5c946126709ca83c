import { join } from 'node:path';
import { CreateWorkspaceSchema } from '@neonhub/schemas';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, type FastifyRequest, LogController } from 'fastify';
import { z } from 'zod';
import { type AccountOptions, accountDepsFromHost, mountConsole, registerAccountRoutes, requestActor } from '../accounts/index.js';
import { hostErrors } from '../errors.js';
import type { Host } from '../host.js';
import { registerMcpRoutes, registerOAuthRoutes } from '../mcp/index.js';
import { createRuns, registerRunRoutes } from '../runs/index.js';
import { registerMetricsRoute } from '../telemetry/index.js';
import { installErrorHandling } from './errors.js';
import { parseBody } from './parse-body.js';

const CallBodySchema = z.strictObject({ input: z.unknown().default({}), idempotencyKey: z.string().min(1).max(200).optional() });
const ConfigBodySchema = z.strictObject({ config: z.record(z.string(), z.unknown()) });
const SecretBodySchema = z.strictObject({ value: z.string().min(1).max(65_536) });

/** The host's HTTP API: health, plugins, workspaces and tool calls. Errors use the envelope. */
export async function buildApp(host: Host, opts: { publicBaseUrl?: string; accounts?: AccountOptions } = {}): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: host.logger.child({ component: 'http' }) as FastifyBaseLogger,
    bodyLimit: 1_048_576,
    // one line per request would drown the log; errors are logged by the error handler
    logController: new LogController({ disableRequestLogging: true }),
  });
  installErrorHandling(app);
  // Sessions, API tokens and roles on every /api/workspaces route (no credentials: the loopback operator).
  registerAccountRoutes(app, accountDepsFromHost(host), {
    ...(opts.publicBaseUrl ? { publicBaseUrl: opts.publicBaseUrl } : {}),
    ...opts.accounts,
  });
  const ws = host.storage.service;

  app.get('/health', async () => {
    const plugins = host.registry.plugins().map((p) => ({ id: p.manifest.id, status: p.runtime.status }));
    return {
      // host.notices: conditions an admin must act on (quarantined tools, ...), each with its reason.
      status: plugins.some((p) => p.status === 'degraded') || host.notices.list().length > 0 ? 'degraded' : 'ok',
      version: (await import('../version.js')).HOST_API_VERSION,
      database: host.storage.dialect,
      plugins,
      problems: host.problems.map((p) => ({ plugin: p.id ?? p.dir, code: p.error.code, message: p.error.message })),
      notices: host.notices.list().map(({ code, plugin, message, since }) => ({ code, plugin, message, since })),
    };
  });

  // Prometheus text format; always on, no workspace ids (see docs/observability.md).
  registerMetricsRoute(app);

  app.get('/api/plugins', async () => ({
    plugins: host.registry.plugins().map((p) => ({
      id: p.manifest.id,
      version: p.manifest.version,
      kind: p.manifest.kind,
      description: p.manifest.description,
      runtime: p.isolation,
      status: p.runtime.status,
      tools: host.registry.toolsOf([p.manifest.id]).map((t) => ({ name: t.qualifiedName, sideEffect: t.definition.sideEffect })),
    })),
  }));

  app.get<{ Params: { id: string } }>('/api/plugins/:id', async (req) => {
    const plugin = host.registry.plugin(req.params.id);
    if (!plugin) throw hostErrors.create('NH_PLUGIN_NOT_FOUND', `no plugin ${req.params.id} is loaded`);
    return { manifest: plugin.manifest, runtime: plugin.isolation, status: plugin.runtime.status };
  });

  app.get('/api/workspaces', async () => ({ workspaces: await ws.listWorkspaces() }));
  app.post('/api/workspaces', async (req, reply) => {
    const body = parseBody(CreateWorkspaceSchema, req.body);
    reply.status(201);
    return { workspace: await ws.createWorkspace(body) };
  });

  app.get<{ Params: { ws: string } }>('/api/workspaces/:ws/tools', async (req) => {
    const workspace = await ws.resolveWorkspace(req.params.ws);
    const enabled = await ws.listEnabledPlugins(workspace.id);
    return {
      tools: host.registry.toolsOf(enabled.map((p) => p.pluginId)).map((t) => ({
        name: t.qualifiedName,
        description: t.definition.description,
        sideEffect: t.definition.sideEffect,
        inputSchema: t.definition.inputSchema,
      })),
    };
  });

  app.post<{ Params: { ws: string; tool: string } }>('/api/workspaces/:ws/tools/:tool/call', async (req) => {
    const body = parseBody(CallBodySchema, req.body);
    return host.callTool({
      workspace: req.params.ws,
      tool: req.params.tool,
      input: body.input,
      actor: requestActor(req),
      ...(body.idempotencyKey ? { idempotencyKey: body.idempotencyKey } : {}),
    });
  });

  app.post<{ Params: { ws: string; id: string } }>('/api/workspaces/:ws/plugins/:id/enable', async (req) => {
    const workspace = await ws.resolveWorkspace(req.params.ws);
    // Without a config the stored one (or the schema's defaults) is kept.
    const body = req.body === undefined || req.body === null ? {} : parseBody(ConfigBodySchema.partial(), req.body);
    await ws.enablePlugin(workspace.id, req.params.id, body.config);
    return { enabled: true };
  });
  app.post<{ Params: { ws: string; id: string } }>('/api/workspaces/:ws/plugins/:id/disable', async (req) => {
    const workspace = await ws.resolveWorkspace(req.params.ws);
    await ws.disablePlugin(workspace.id, req.params.id);
    return { enabled: false };
  });
  app.put<{ Params: { ws: string; id: string } }>('/api/workspaces/:ws/plugins/:id/config', async (req) => {
    const workspace = await ws.resolveWorkspace(req.params.ws);
    const body = parseBody(ConfigBodySchema, req.body);
    return { config: await ws.setConfig(workspace.id, req.params.id, body.config) };
  });
  app.put<{ Params: { ws: string; id: string; name: string } }>('/api/workspaces/:ws/plugins/:id/secrets/:name', async (req, reply) => {
    const workspace = await ws.resolveWorkspace(req.params.ws);
    const body = parseBody(SecretBodySchema, req.body);
    await ws.setSecret(workspace.id, req.params.id, req.params.name, body.value);
    reply.status(204);
  });

  // The workspace's language model (admins set it; the key is write-only).
  app.get<{ Params: { ws: string } }>('/api/workspaces/:ws/llm', async (req) => ({ llm: await host.storage.llm.get(req.params.ws) }));
  app.put<{ Params: { ws: string } }>('/api/workspaces/:ws/llm', async (req) => ({
    llm: await host.storage.llm.set(req.params.ws, req.body ?? {}),
  }));
  app.delete<{ Params: { ws: string } }>('/api/workspaces/:ws/llm', async (req) => ({ llm: await host.storage.llm.clear(req.params.ws) }));

  // Every workspace is an MCP server at /mcp (Streamable HTTP, bearer API tokens, OAuth 2.1).
  const mcp = registerMcpRoutes(app, {
    registry: host.registry,
    callTool: host.callTool,
    logger: host.logger,
    tokens: host.storage.tokens,
    workspaces: {
      ...host.storage.workspaces,
      enabledPlugins: async (id: string) => (await ws.listEnabledPlugins(id)).map((p) => p.pluginId),
    },
    options: { ...(opts.publicBaseUrl ? { publicBaseUrl: opts.publicBaseUrl } : {}) },
  });
  registerOAuthRoutes(app, {
    tokens: host.storage.tokens,
    workspaces: { list: () => ws.listWorkspaces() },
    ...(opts.publicBaseUrl ? { publicBaseUrl: opts.publicBaseUrl } : {}),
  });
  // An outside server's tools changed at run time (quarantined, lifted): the MCP clients of its workspaces re-list.
  const offToolsChanged = host.onPluginToolsChanged((pluginId) => void mcp.gateway.notifyPluginToolsChanged(pluginId));
  const unsubscribe = ws.onChange((change) => {
    if (change.type !== 'configured') void mcp.notifyToolsChanged(change.workspaceId);
  });
  // Runs: goal -> plan -> steps on the queue (in-process, or BullMQ with REDIS_URL), events over WebSocket.
  const runs = await createRuns(host);
  await registerRunRoutes(app, { orchestrator: runs, actor: (req) => requestActor(req as FastifyRequest) });
  app.addHook('onClose', async () => {
    unsubscribe();
    offToolsChanged();
    await mcp.close();
    await runs.close();
  });
  // The SvelteKit console on the same origin (ui/build; a clear page when it is not built).
  await mountConsole(app, { buildDir: join(host.config.rootDir, 'ui/build') });
  return app;
}
