import { RoleSchema } from '@neonhub/schemas';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { hostErrors } from '../errors.js';
import { parseBody } from '../server/parse-body.js';
import type { AccountDeps } from './deps.js';
import { accessOf } from './member-routes.js';
import { atLeast } from './principal.js';

const TokenBodySchema = z.strictObject({ name: z.string().trim().min(1).max(100), role: RoleSchema.default('member') });

/** Read models the console needs beyond the core API: plugins per workspace, the call record, API tokens. */
export function registerWorkspaceRoutes(app: FastifyInstance, deps: AccountDeps) {
  const { service, registry, repos, tokens } = deps;

  /** Every installed plugin with its manifest facts and this workspace's state; secret values never leave. */
  app.get<{ Params: { ws: string } }>('/api/workspaces/:ws/plugins', async (request) => {
    const { workspaceId } = await accessOf(deps, request);
    const states = new Map((await service.listPlugins(workspaceId)).map((p) => [p.pluginId, p]));
    const secretNames = new Set((await service.listSecretNames(workspaceId)).map((s) => `${s.pluginId}/${s.name}`));
    return {
      plugins: registry.plugins().map((p) => {
        const m = p.manifest;
        const state = states.get(m.id);
        return {
          id: m.id,
          name: m.name ?? m.id,
          version: m.version,
          kind: m.kind,
          description: m.description,
          runtime: p.isolation,
          status: p.runtime.status,
          enabled: state?.enabled === true,
          config: state?.config ?? {},
          configSchema: m.config ?? null,
          networkHosts: m.network.hosts,
          secrets: m.secrets.map((s) => ({
            name: s.name,
            description: s.description,
            required: s.required,
            set: secretNames.has(`${m.id}/${s.name}`),
          })),
          tools: m.tools.map((t) => ({ name: `${m.id}:${t.name}`, description: t.description, sideEffect: t.sideEffect })),
        };
      }),
    };
  });

  app.get<{ Params: { ws: string }; Querystring: { limit?: string; plugin?: string } }>('/api/workspaces/:ws/calls', async (request) => {
    const { workspaceId } = await accessOf(deps, request);
    const limit = Number(request.query.limit ?? 50);
    return {
      calls: await repos.toolCalls.listRecent(workspaceId, {
        limit: Number.isFinite(limit) ? limit : 50,
        ...(request.query.plugin ? { pluginId: request.query.plugin } : {}),
      }),
    };
  });

  app.get<{ Params: { ws: string }; Querystring: { all?: string } }>('/api/workspaces/:ws/tokens', async (request) => {
    const { workspaceId, role } = await accessOf(deps, request);
    if (!atLeast(role, 'admin')) return { tokens: [] };
    return { tokens: await tokens.list(workspaceId, { revoked: request.query.all === 'true' }) };
  });

  /** Creates an API token (shown once) with a role no higher than the creator's. */
  app.post<{ Params: { ws: string } }>('/api/workspaces/:ws/tokens', async (request, reply) => {
    const { workspaceId, role } = await accessOf(deps, request);
    const body = parseBody(TokenBodySchema, request.body);
    if (!atLeast(role, body.role))
      throw hostErrors.create('NH_AUTH_FORBIDDEN', `a token cannot have a higher role (${body.role}) than its creator (${role})`, {
        details: { need: body.role, have: role },
      });
    const created = await tokens.create({ workspaceId, role: body.role, name: body.name });
    reply.status(201);
    return created;
  });

  app.delete<{ Params: { ws: string; id: string } }>('/api/workspaces/:ws/tokens/:id', async (request, reply) => {
    const { workspaceId } = await accessOf(deps, request);
    await tokens.revoke(workspaceId, request.params.id);
    reply.status(204);
  });
}
