import { isNeonHubError, type ToolContext } from '@neonhub/sdk';
import { digestConfig } from '../config.js';
import { insightErrors } from '../errors.js';
import { addDays } from '../results/analyze.js';
import { nextDigestTime } from './next-run.js';

export const SEND_DIGEST = 'agent-insight:send_digest';
/** This plugin's record of the digest it scheduled last (so a changed day or a switch-off cancels it). */
const STATE = 'digest';
const NEXT = 'next';

export type DigestPlan =
  | { status: 'off'; cancelled: boolean }
  | { status: 'scheduled'; date: string; runAt: string; timeZone: string; reports: { from: string; to: string } };

/**
 * Makes the workspace's scheduler hold exactly the next weekly digest the config asks for (one schedule per week,
 * keyed by its date, so each week's send has its own idempotency key), or none when the digest is off.
 */
export async function planDigest(ctx: ToolContext, now = new Date()): Promise<DigestPlan> {
  const scheduler = ctx.scheduler;
  if (!scheduler) throw insightErrors.create('NH_INSIGHT_SCHEDULER_UNAVAILABLE', 'no scheduler here: the weekly digest cannot be planned');
  const config = digestConfig(ctx.config);
  const previous = (await ctx.store.get<{ key: string }>(STATE, NEXT))?.value.key;
  const cancelPrevious = async (keep?: string) => {
    if (!previous || previous === keep) return false;
    const s = await scheduler.get(previous);
    if (s?.status !== 'scheduled') return false;
    await scheduler.cancel(previous);
    return true;
  };
  if (!config.enabled) {
    const cancelled = await cancelPrevious();
    await ctx.store.delete(STATE, NEXT);
    return { status: 'off', cancelled };
  }
  let next = nextDigestTime(now, config.day, config.time, config.timeZone);
  const weekLater = (n: { date: string }) => ({ date: addDays(n.date, 7), runAt: `${addDays(n.date, 7)}T${config.time}` });
  // that day's digest is running or went out already (this is it, planning the next): the week after
  const ran = await scheduler.get(`digest:${next.date}`);
  if (ran && !['scheduled', 'cancelled', 'failed'].includes(ran.status)) next = weekLater(next);
  for (let attempt = 0; ; attempt++) {
    const key = `digest:${next.date}`;
    try {
      const s = await scheduler.schedule({
        key,
        tool: SEND_DIGEST,
        input: { asOf: addDays(next.date, -1) },
        runAt: next.runAt,
        ...(config.timeZone ? { timeZone: config.timeZone } : {}),
        calendar: { channel: config.channel, title: 'Weekly results digest' },
      });
      await cancelPrevious(key);
      await ctx.store.put(STATE, NEXT, { key });
      return {
        status: 'scheduled',
        date: next.date,
        runAt: s.runAt,
        timeZone: s.timeZone,
        reports: { from: addDays(next.date, -7), to: addDays(next.date, -1) },
      };
    } catch (err) {
      // the workspace's zone is ahead of UTC and that time has passed there already: the week after
      if (attempt === 0 && isNeonHubError(err) && err.code === 'NH_SCHEDULE_TIME_PAST') {
        next = weekLater(next);
        continue;
      }
      throw err;
    }
  }
}
