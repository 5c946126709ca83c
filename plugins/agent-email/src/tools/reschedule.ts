import { defineTool } from '@neonhub/sdk';
import { z } from 'zod';
import { emailErrors } from '../errors.js';
import { SCHEDULES, type Schedule } from '../model.js';
import { hasOffset, loadSchedule, withScheduler } from '../store.js';

const output = z.object({ scheduleId: z.string(), sendAt: z.string(), status: z.literal('scheduled'), timeZone: z.string().optional() });

export const reschedule = defineTool({
  name: 'reschedule',
  description:
    'Moves an e-mail schedule that has not been sent to another time (a failed or cancelled one is scheduled again); the host sends it at the new time only.',
  sideEffect: 'write',
  input: z.object({
    scheduleId: z.string().min(1).describe('The schedule to move (from schedule).'),
    sendAt: z.iso
      .datetime({ offset: true, local: true })
      .describe("The new time: ISO 8601 with an offset, or a local time read in the workspace's time zone (or timeZone)."),
    timeZone: z.string().min(1).max(64).optional().describe('IANA time zone of a local sendAt, e.g. Europe/Paris.'),
  }),
  output,
  async run(a, ctx) {
    const { schedule: stored, version } = await loadSchedule(ctx, a.scheduleId);
    const current = await withScheduler(ctx, stored);
    if (!['scheduled', 'cancelled', 'failed'].includes(current.status))
      throw emailErrors.create('NH_EMAIL_ALREADY_SENT', `schedule ${a.scheduleId} is ${current.status}: it can no longer be moved`);
    let sendAt: string;
    let timeZone = current.timeZone;
    if (ctx.scheduler) {
      const s = await ctx.scheduler.move(a.scheduleId, a.sendAt, a.timeZone ? { timeZone: a.timeZone } : {});
      sendAt = s.runAt;
      timeZone = s.timeZone;
    } else {
      if (!hasOffset(a.sendAt) || new Date(a.sendAt).getTime() < Date.now() - 60_000)
        throw emailErrors.create('NH_EMAIL_SEND_TIME_INVALID', `sendAt ${a.sendAt} is in the past or has no UTC offset`);
      sendAt = new Date(a.sendAt).toISOString();
    }
    const { error: _e, ...rest } = stored;
    const next: Schedule = { ...rest, sendAt, ...(timeZone ? { timeZone } : {}), status: 'scheduled' };
    if ((await ctx.store.putIf(SCHEDULES, a.scheduleId, next, version)) === null)
      throw emailErrors.create('NH_EMAIL_CONFLICT', `schedule ${a.scheduleId} changed meanwhile: retry`);
    return { scheduleId: a.scheduleId, sendAt, status: 'scheduled' as const, ...(timeZone ? { timeZone } : {}) };
  },
});
