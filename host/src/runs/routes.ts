import type { Orchestrator, RunView } from '@neonhub/orchestrator';
import { type Actor, apiRoutes, RunResultsSummarySchema, runEventsRoute } from '@neonhub/schemas';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { runResultsInWords } from '../results/run-words.js';
import { addRoute, routeOptions } from '../server/route.js';
import { runScope, type ScopeDeps, scoped, workspaceScope } from '../server/scopes.js';

export interface RunRoutesDeps {
  orchestrator: Orchestrator;
  /** Who the request acts as (the principal, with its role in the run's workspace). */
  actor(request: FastifyRequest): Actor;
  /** The run's results summary computed now (the function the orchestrator's `summarizeRun` writes the event with). */
  summarize?(view: RunView): Promise<Record<string, unknown> | undefined>;
}

/**
 * The runs API on an app: the workspace's runs inside a workspace scope, one run's routes inside the run
 * scope (each resolves the workspace and the caller's role), and @fastify/websocket when missing.
 * The app must resolve `request.principal` and run installAuthorization.
 */
export async function registerRunRoutes(app: FastifyInstance, deps: RunRoutesDeps & { scope: ScopeDeps }) {
  if (!app.hasDecorator('websocketServer')) await app.register((await import('@fastify/websocket')).default);
  await app.register(workspaceScope(deps.scope, (scope) => workspaceRunRoutes(scope, deps)));
  await app.register(runScope(deps.scope, (scope) => runRoutes(scope, deps)));
}

/** Starting and listing a workspace's runs (registered inside the workspace scope). */
export async function workspaceRunRoutes(app: FastifyInstance, deps: RunRoutesDeps) {
  const { orchestrator: o } = deps;
  addRoute(app, apiRoutes.startRun, async (req, reply) => {
    const body = req.body;
    const view = await o.start({
      workspace: scoped(req).workspaceId,
      goal: body.goal,
      actor: deps.actor(req),
      ...(body.params ? { params: body.params } : {}),
      ...(body.plan !== undefined ? { plan: body.plan } : {}),
    });
    reply.status(201);
    return view;
  });
  addRoute(app, apiRoutes.listRuns, async (req) => ({ runs: await o.list(scoped(req).workspaceId) }));
  addRoute(app, apiRoutes.listWaitingRuns, async (req) => ({
    runs: await o.listWaiting(scoped(req).workspaceId, req.query.limit ? { limit: req.query.limit } : {}),
  }));
}

/**
 * One run (registered inside the run scope, which found its workspace and checked the role): read it,
 * cancel it, approve or reject a step, and a WebSocket that streams the run's stored events from a
 * cursor (`?after=<event id>`), then live ones. Needs @fastify/websocket registered on the app.
 */
export async function runRoutes(app: FastifyInstance, deps: RunRoutesDeps) {
  const { orchestrator: o } = deps;
  addRoute(app, apiRoutes.getRun, async (req) => o.get(req.params.id));
  addRoute(app, apiRoutes.getRunSummary, async (req) => {
    const id = req.params.id;
    const view = await o.get(id);
    // the run.summary event is written last, once: read the log from the start (runs have few events per step)
    let atEnd: { at: string; summary: ReturnType<typeof RunResultsSummarySchema.parse> } | null = null;
    for (let after = 0; ; ) {
      const batch = await o.events(id, after, 1000);
      for (const e of batch) {
        const parsed = e.type === 'run.summary' ? RunResultsSummarySchema.safeParse(e.data) : null;
        if (parsed?.success) atEnd = { at: e.at, summary: parsed.data };
      }
      if (batch.length < 1000) break;
      after = batch.at(-1)!.id!;
    }
    const live = RunResultsSummarySchema.safeParse(deps.summarize ? await deps.summarize(view) : undefined);
    const now = live.success
      ? live.data
      : (atEnd?.summary ?? {
          kind: 'results' as const,
          status: view.run.status,
          messages: { sent: 0, delivered: 0, opened: 0, clicked: 0, converted: 0 },
          campaigns: [],
          text: 'No results summary is available on this host.',
        });
    // the host's one wording of the results, which the console renders as is
    return { runId: id, atEnd, now, words: runResultsInWords({ atEnd, now }) };
  });
  addRoute(app, apiRoutes.cancelRun, async (req) => o.cancel(req.params.id, deps.actor(req)));
  addRoute(app, apiRoutes.approveStep, async (req) =>
    o.approve(req.params.id, req.params.stepId, deps.actor(req), req.body?.note ? { note: req.body.note } : {}),
  );
  addRoute(app, apiRoutes.rejectStep, async (req) => o.reject(req.params.id, req.params.stepId, deps.actor(req), req.body.reason));

  app.route({
    ...routeOptions(runEventsRoute),
    schema: { ...routeOptions(runEventsRoute).schema, hide: true },
    websocket: true,
    handler: async (
      socket: { readyState: number; OPEN: number; send(data: string): void; on(event: 'close', fn: () => void): void },
      req: FastifyRequest,
    ) => {
      const { id } = req.params as { id: string };
      const { after } = (req.query ?? {}) as { after?: number };
      const stop = o.subscribe(id, after ?? 0, (event) => {
        if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(event));
      });
      socket.on('close', stop);
    },
  } as never);
}
