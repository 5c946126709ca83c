import { apiRoutes } from '@neonhub/schemas';
import { scheduleErrors } from '@neonhub/sdk';
import type { FastifyInstance } from 'fastify';
import { requestActor } from '../accounts/principal.js';
import { addRoute } from '../server/route.js';
import type { ApiDeps } from '../server/routes/deps.js';
import { scoped } from '../server/scopes.js';

/**
 * The tool a post created from the calendar goes through (its network limits, governance, audit), and the plugin
 * that owns the schedule it registers. The one place the host names an agent: the calendar's "new post" button.
 */
export const CALENDAR_POST_TOOL = 'agent-social:schedule';

/** The calendar (docs/schedules.md): scheduled items across channels, moved and cancelled; the workspace's time zone. */
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
    const result = await host.callTool({ workspace: workspaceId, tool: CALENDAR_POST_TOOL, input: req.body, actor: requestActor(req) });
    if (result.status !== 'ok')
      throw scheduleErrors.create('NH_SCHEDULE_HELD', `creating the post waits for approval: ${result.reason}`, {
        details: result.status === 'pending_approval' && result.approvalId ? { approvalId: result.approvalId } : {},
      });
    const entry = result.output as Record<string, unknown>;
    const row = await schedules.store.byKey(workspaceId, CALENDAR_POST_TOOL.split(':')[0]!, String(entry.entryId));
    if (!row) throw scheduleErrors.create('NH_SCHEDULE_NOT_FOUND', `${CALENDAR_POST_TOOL} registered no schedule for ${entry.entryId}`);
    reply.status(201);
    return { schedule: await schedules.get(workspaceId, row.id), entry };
  });
  addRoute(app, apiRoutes.getTimeZone, async (req) => ({ timeZone: await schedules.timeZone(scoped(req).workspaceId) }));
  addRoute(app, apiRoutes.setTimeZone, async (req) => ({
    timeZone: await schedules.setTimeZone(scoped(req).workspaceId, req.body.timeZone),
  }));
}
