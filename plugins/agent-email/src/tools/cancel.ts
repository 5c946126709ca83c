import { defineTool } from '@neonhub/sdk';
import { z } from 'zod';
import { emailErrors } from '../errors.js';
import { SCHEDULES } from '../model.js';
import { loadSchedule, withScheduler } from '../store.js';

export const cancel = defineTool({
  name: 'cancel',
  description: 'Cancels an e-mail schedule that has not been sent: it is never sent (reschedule brings it back).',
  sideEffect: 'write',
  input: z.object({ scheduleId: z.string().min(1).describe('The schedule to cancel (from schedule).') }),
  output: z.object({ scheduleId: z.string(), status: z.literal('cancelled') }),
  async run(a, ctx) {
    const { schedule: stored, version } = await loadSchedule(ctx, a.scheduleId);
    const current = await withScheduler(ctx, stored);
    if (!['scheduled', 'cancelled', 'failed'].includes(current.status))
      throw emailErrors.create('NH_EMAIL_ALREADY_SENT', `schedule ${a.scheduleId} is ${current.status}: it can no longer be cancelled`);
    if (ctx.scheduler && current.status === 'scheduled') await ctx.scheduler.cancel(a.scheduleId);
    if ((await ctx.store.putIf(SCHEDULES, a.scheduleId, { ...stored, status: 'cancelled' }, version)) === null)
      throw emailErrors.create('NH_EMAIL_CONFLICT', `schedule ${a.scheduleId} changed meanwhile: retry`);
    return { scheduleId: a.scheduleId, status: 'cancelled' as const };
  },
});
