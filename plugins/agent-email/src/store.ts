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
