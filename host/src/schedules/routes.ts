import { apiRoutes } from '@neonhub/schemas';
import { scheduleErrors } from '@neonhub/sdk/host';
import type { FastifyInstance } from 'fastify';
import { requestActor } from '../accounts/principal.js';
import { hostErrors } from '../errors.js';
import { addRoute } from '../server/route.js';
import type { ApiDeps } from '../server/routes/deps.js';
import { scoped } from '../server/scopes.js';

/**
 * The calendar (docs/schedules.md): scheduled items across channels, moved and cancelled; the workspace's time zone.
 * A post created from the calendar goes through the calendar contract's provider, never a plugin named here.
 */
export async function scheduleRoutes(app: FastifyInstance, { host }: ApiDeps) {
  const schedules = host.schedules;
  addRoute(app, apiRoutes.listSchedules, async (req) => schedules.list(scoped(req).workspaceId, req.query));
  addRoute(app, apiRoutes.getSchedule, async (req) => ({ schedule: await schedules.get(scoped(req).workspaceId, req.params.id) }));
  addRoute(app, apiRoutes.moveSchedule, async (req) => ({
    schedule: await schedules.move(scoped(req).workspaceId, req.params.id, req.body.runAt, req.body.timeZone),
  }));
  addRoute(app, apiRoutes.cancelSchedule, async (req) => ({ schedule: await schedules.cancel(scoped(req).workspaceId, req.params.id) }));
  addRoute(app, apiRoutes.createCalendarPost, async (req, reply) => {
    const { workspaceId } = scoped(req);
    // the calendar contract's `schedule` on whichever enabled plugin provides it (agent-social as shipped): its
    // network limits, the policy and audit apply; it registers the schedule it answers the entry of
    const provider = await host.contracts.tool(workspaceId, 'calendar', 'schedule');
    if (!provider)
      throw hostErrors.create(
        'NH_CONTRACT_MISSING',
        'no enabled plugin provides the calendar contract here: enable one (the social agent)',
        {
          details: { contract: 'calendar' },
        },
      );
    const result = await host.callTool({ workspace: workspaceId, tool: provider.tool, input: req.body, actor: requestActor(req) });
    if (result.status !== 'ok')
      throw scheduleErrors.create('NH_SCHEDULE_HELD', `creating the post waits for approval: ${result.reason}`, {
        details: result.status === 'pending_approval' && result.approvalId ? { approvalId: result.approvalId } : {},
      });
    const entry = result.output as Record<string, unknown>;
    const row = await schedules.store.byKey(workspaceId, provider.plugin, String(entry.entryId));
    if (!row) throw scheduleErrors.create('NH_SCHEDULE_NOT_FOUND', `${provider.tool} registered no schedule for ${entry.entryId}`);
    reply.status(201);
    return { schedule: await schedules.get(workspaceId, row.id), entry };
  });
  addRoute(app, apiRoutes.getTimeZone, async (req) => ({ timeZone: await schedules.timeZone(scoped(req).workspaceId) }));
  addRoute(app, apiRoutes.setTimeZone, async (req) => ({
    timeZone: await schedules.setTimeZone(scoped(req).workspaceId, req.body.timeZone),
  }));
}
