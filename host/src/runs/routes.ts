import type { Orchestrator } from '@neonhub/orchestrator';
import type { Actor } from '@neonhub/schemas';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { hostErrors } from '../errors.js';
import { parseBody } from '../server/parse-body.js';

const StartBodySchema = z.strictObject({
  goal: z.string().trim().min(1).max(4000),
  params: z
    .strictObject({
      recipients: z.array(z.email()).max(1000).optional(),
      networks: z
        .array(z.enum(['x', 'twitter', 'linkedin', 'instagram', 'facebook']))
        .max(5)
        .optional(),
      audience: z.string().max(300).optional(),
    })
    .optional(),
  plan: z.unknown().optional(),
});
const ApproveBodySchema = z.strictObject({ note: z.string().max(1000).optional() });
const RejectBodySchema = z.strictObject({ reason: z.string().trim().min(1).max(1000) });

export interface RunRoutesDeps {
  orchestrator: Orchestrator;
  /** Who the request acts as (until API auth lands, the local operator). */
  actor(request: unknown): Actor;
}

/**
 * The runs API: start a run from a goal, read it, cancel it, approve or reject a step, and a WebSocket that
 * streams the run's stored events from a cursor (`?after=<event id>`), then live ones. Needs @fastify/websocket
 * registered on the app (this function registers it when it is not).
 */
export async function registerRunRoutes(app: FastifyInstance, deps: RunRoutesDeps): Promise<void> {
  const { orchestrator: o } = deps;
  if (!app.hasDecorator('websocketServer')) await app.register((await import('@fastify/websocket')).default);

  app.post<{ Params: { ws: string } }>('/api/workspaces/:ws/runs', async (req, reply) => {
    const body = parseBody(StartBodySchema, req.body);
    const view = await o.start({
      workspace: req.params.ws,
      goal: body.goal,
      actor: deps.actor(req),
      ...(body.params ? { params: body.params } : {}),
      ...(body.plan !== undefined ? { plan: body.plan } : {}),
    });
    reply.status(201);
    return view;
  });
  app.get<{ Params: { ws: string } }>('/api/workspaces/:ws/runs', async (req) => ({ runs: await o.list(req.params.ws) }));
  app.get<{ Params: { id: string } }>('/api/runs/:id', async (req) => o.get(checkId(req.params.id)));
  app.post<{ Params: { id: string } }>('/api/runs/:id/cancel', async (req) => o.cancel(checkId(req.params.id), deps.actor(req)));
  app.post<{ Params: { id: string; stepId: string } }>('/api/runs/:id/steps/:stepId/approve', async (req) => {
    const body = parseBody(ApproveBodySchema, req.body);
    return o.approve(checkId(req.params.id), req.params.stepId, deps.actor(req), body.note ? { note: body.note } : {});
  });
  app.post<{ Params: { id: string; stepId: string } }>('/api/runs/:id/steps/:stepId/reject', async (req) => {
    const body = parseBody(RejectBodySchema, req.body);
    return o.reject(checkId(req.params.id), req.params.stepId, deps.actor(req), body.reason);
  });

  app.get<{ Params: { id: string }; Querystring: { after?: string } }>('/api/runs/:id/events', { websocket: true }, async (socket, req) => {
    const after = Number(req.query.after ?? 0);
    try {
      await o.get(checkId(req.params.id));
    } catch (err) {
      const e = err as { code?: string; message?: string };
      socket.send(JSON.stringify({ error: { code: e.code ?? 'NH_INTERNAL', message: e.message ?? 'error' } }));
      socket.close(4404, 'run not found');
      return;
    }
    const stop = o.subscribe(req.params.id, Number.isFinite(after) && after >= 0 ? after : 0, (event) => {
      if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(event));
    });
    socket.on('close', stop);
  });
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
function checkId(id: string): string {
  if (!UUID.test(id)) throw hostErrors.create('NH_REQUEST_INVALID', `run id ${id} is not a uuid`);
  return id;
}
