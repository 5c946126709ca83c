import type { ToolContext } from '@neonhub/sdk';
import { emailErrors } from './errors.js';
import { SCHEDULES, type Schedule, TEMPLATES, type Template } from './model.js';

export async function loadTemplate(ctx: ToolContext, templateId: string): Promise<Template> {
  const r = await ctx.store.get<Template>(TEMPLATES, templateId);
  if (!r)
    throw emailErrors.create('NH_EMAIL_TEMPLATE_NOT_FOUND', `no e-mail template ${templateId} in this workspace: call compose first`, {
      details: { templateId },
    });
  return r.value;
}

export async function loadSchedule(ctx: ToolContext, scheduleId: string): Promise<{ schedule: Schedule; version: number }> {
  const r = await ctx.store.get<Schedule>(SCHEDULES, scheduleId);
  if (!r)
    throw emailErrors.create('NH_EMAIL_SCHEDULE_NOT_FOUND', `no e-mail schedule ${scheduleId} in this workspace`, {
      details: { scheduleId },
    });
  return { schedule: r.value, version: r.version };
}

/**
 * The schedule as people see it: the host's scheduler holds its time and whether it was cancelled or failed (it may
 * have been moved or cancelled from the console's calendar since it was stored).
 */
export async function withScheduler(ctx: ToolContext, schedule: Schedule): Promise<Schedule> {
  const s = await ctx.scheduler?.get(schedule.scheduleId);
  if (!s) return schedule;
  const own = ['sent', 'queued', 'partial', 'sending'].includes(schedule.status);
  const status = own ? schedule.status : s.status === 'cancelled' ? 'cancelled' : s.status === 'failed' ? 'failed' : 'scheduled';
  const { error: _e, ...rest } = schedule;
  return { ...rest, sendAt: s.runAt, status, ...(status === 'failed' && s.error ? { error: s.error } : {}) };
}

/** True when `at` carries a UTC offset (a local time needs the workspace's time zone, i.e. the host's scheduler). */
export const hasOffset = (at: string) => /(?:Z|[+-]\d\d:\d\d)$/i.test(at);
