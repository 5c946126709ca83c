import { randomUUID } from 'node:crypto';
import { defineTool } from '@neonhub/sdk';
import { z } from 'zod';
import { emailErrors } from '../errors.js';
import { RecipientSchema, SCHEDULES, type Schedule, SEND_TOOL } from '../model.js';
import { renderFor } from '../render.js';
import { hasOffset, loadTemplate } from '../store.js';

const input = z.object({
  templateId: z.string().min(1).describe('The template to send (from compose).'),
  recipients: z.array(RecipientSchema).min(1).max(1000).describe('Who receives it, with their merge-field values (1–1000).'),
  sendAt: z.iso
    .datetime({ offset: true, local: true })
    .describe(
      "When to send: ISO 8601 with an offset, or a local time such as 2027-03-29T09:00 read in the workspace's time zone (or timeZone); not in the past.",
    ),
  timeZone: z
    .string()
    .min(1)
    .max(64)
    .optional()
    .describe('IANA time zone of a local sendAt, e.g. Europe/Paris (default: the workspace’s).'),
});

const output = z.object({
  scheduleId: z.string(),
  templateId: z.string(),
  sendAt: z.string(),
  recipients: z.number(),
  status: z.literal('scheduled'),
  /** Recipients that lack a merge field: send skips them unless allowMissing is set. */
  missing: z.array(z.object({ email: z.string(), fields: z.array(z.string()) })),
});

/** Tolerance for clocks and slow callers when checking that sendAt is not in the past. */
const PAST_TOLERANCE_MS = 60_000;

export const schedule = defineTool({
  name: 'schedule',
  description:
    'Schedules a composed e-mail template for a list of recipients at a send time, stored in the workspace; reports recipients with missing merge fields. The host sends it when it is due (it survives restarts; move it with reschedule, cancel it with cancel).',
  sideEffect: 'write',
  input,
  output,
  async run(a, ctx) {
    const template = await loadTemplate(ctx, a.templateId);
    const scheduleId = `sch_${randomUUID()}`;
    let sendAt: string;
    let timeZone: string | undefined;
    if (ctx.scheduler) {
      // The host calls send({ scheduleId }) at the time; it resolves a local time in the workspace's zone.
      const s = await ctx.scheduler.schedule({
        key: scheduleId,
        tool: SEND_TOOL,
        input: { scheduleId },
        runAt: a.sendAt,
        ...(a.timeZone ? { timeZone: a.timeZone } : {}),
        calendar: { channel: 'email', title: template.subject.slice(0, 200) },
      });
      sendAt = s.runAt;
      timeZone = s.timeZone;
    } else {
      const at = new Date(a.sendAt);
      if (!hasOffset(a.sendAt) || at.getTime() < Date.now() - PAST_TOLERANCE_MS) {
        throw emailErrors.create(
          'NH_EMAIL_SEND_TIME_INVALID',
          `sendAt ${a.sendAt} is in the past or has no UTC offset (this host has no scheduler to read a local time): pick a future time`,
          { details: { sendAt: a.sendAt } },
        );
      }
      sendAt = at.toISOString();
    }
    const record: Schedule = {
      scheduleId,
      templateId: template.templateId,
      recipients: a.recipients,
      sendAt,
      ...(timeZone ? { timeZone } : {}),
      status: 'scheduled',
      createdAt: new Date().toISOString(),
    };
    await ctx.store.put(SCHEDULES, record.scheduleId, record);
    const missing = a.recipients
      .map((r) => renderFor(template, r))
      .filter((r) => r.missingFields.length > 0)
      .map((r) => ({ email: r.email, fields: r.missingFields }));
    return {
      scheduleId: record.scheduleId,
      templateId: template.templateId,
      sendAt: record.sendAt,
      recipients: a.recipients.length,
      status: 'scheduled' as const,
      missing,
    };
  },
});
