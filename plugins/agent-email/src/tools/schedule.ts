import { randomUUID } from 'node:crypto';
import { defineTool } from '@neonhub/sdk';
import { z } from 'zod';
import { emailErrors } from '../errors.js';
import { RecipientSchema, SCHEDULES, type Schedule } from '../model.js';
import { renderFor } from '../render.js';
import { loadTemplate } from '../store.js';

const input = z.object({
  templateId: z.string().min(1).describe('The template to send (from compose).'),
  recipients: z.array(RecipientSchema).min(1).max(1000).describe('Who receives it, with their merge-field values (1–1000).'),
  sendAt: z.iso.datetime({ offset: true }).describe('When to send, ISO 8601 with a time zone offset; must not be in the past.'),
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
    'Schedules a composed e-mail template for a list of recipients at a send time, stored in the workspace; reports recipients with missing merge fields. The workspace scheduler (or a person) calls send when it is due.',
  sideEffect: 'write',
  input,
  output,
  async run(a, ctx) {
    const template = await loadTemplate(ctx, a.templateId);
    const sendAt = new Date(a.sendAt);
    if (sendAt.getTime() < Date.now() - PAST_TOLERANCE_MS) {
      throw emailErrors.create('NH_EMAIL_SEND_TIME_INVALID', `sendAt ${a.sendAt} is in the past: pick a future time`, {
        details: { sendAt: a.sendAt },
      });
    }
    const record: Schedule = {
      scheduleId: `sch_${randomUUID()}`,
      templateId: template.templateId,
      recipients: a.recipients,
      sendAt: sendAt.toISOString(),
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
