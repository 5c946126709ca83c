import { EmailSendOutputSchema } from '@neonhub/schemas';
import { type ChannelRoute, defineTool, isNeonHubError, type SendAttribution, type ToolContext } from '@neonhub/sdk';
import { z } from 'zod';
import { emailErrors } from '../errors.js';
import { CONNECTOR_OUTBOX, CONNECTOR_SEND, type Recipient, RecipientSchema, SCHEDULES, type Schedule, type Template } from '../model.js';
import { renderFor } from '../render.js';
import { loadSchedule, loadTemplate } from '../store.js';

const input = z
  .object({
    scheduleId: z
      .string()
      .min(1)
      .optional()
      .describe('Send this schedule (from schedule). Give scheduleId, or templateId with recipients.'),
    templateId: z.string().min(1).optional().describe('Send this template now (from compose), to the recipients given.'),
    recipients: z.array(RecipientSchema).min(1).max(1000).optional().describe('Recipients for a direct send with templateId (1–1000).'),
    allowMissing: z
      .boolean()
      .default(false)
      .describe('Send to recipients that lack a merge field, with the field left empty (default: skip them).'),
  })
  .refine((v) => (v.scheduleId !== undefined) !== (v.templateId !== undefined), {
    message: 'give either scheduleId, or templateId with recipients',
    path: ['scheduleId'],
  })
  .refine((v) => v.templateId === undefined || v.recipients !== undefined, {
    message: 'templateId needs recipients',
    path: ['recipients'],
  });

const RecipientStatusSchema = z.enum([
  'sent',
  'queued',
  'duplicate',
  'pending_approval',
  'skipped_missing_fields',
  'skipped_no_consent',
  'denied',
  'failed',
]);

const output = z.object({
  scheduleId: z.string().optional(),
  templateId: z.string(),
  /** sent: every recipient was sent (now or by an earlier try); queued: the rest are in the host's outbox; partial: some were not. */
  status: z.enum(['sent', 'queued', 'partial']),
  results: z.array(
    z.object({
      email: z.string(),
      status: RecipientStatusSchema,
      messageId: z.string().optional(),
      approvalId: z.string().optional(),
      missingFields: z.array(z.string()).optional(),
      error: z.object({ code: z.string(), message: z.string() }).optional(),
    }),
  ),
  counts: z.partialRecord(RecipientStatusSchema, z.number()),
});
type Result = z.infer<typeof output>['results'][number];

const Held = z.object({ pendingApproval: z.object({ approvalId: z.string().optional(), reason: z.string() }) });
/** The host's outbox took the message but its first attempt did not settle in time: it keeps delivering (same key). */
const Queued = z.object({ queued: z.object({ messageId: z.string(), status: z.string(), reason: z.string() }) });
const ConnectorOutput = z.union([z.object({ messageId: z.string(), duplicate: z.boolean() }), Held, Queued]);
/** A connected provider's `send` answers by the e-mail channel contract (EmailSendOutputSchema). */
const RoutedOutput = z.union([Held, Queued, EmailSendOutputSchema]);

const OutboxOutput = z.object({ messages: z.array(z.object({ messageId: z.string() })) });

async function sendOne(
  ctx: ToolContext,
  template: Template,
  r: Recipient,
  baseKey: string,
  allowMissing: boolean,
  tags: Record<string, string>,
  checkFirst: boolean,
  route: ChannelRoute | undefined,
  attribution: SendAttribution | undefined,
): Promise<Result> {
  if (r.consent === false) return { email: r.email, status: 'skipped_no_consent' };
  const m = renderFor(template, r);
  if (m.missingFields.length > 0 && !allowMissing)
    return { email: r.email, status: 'skipped_missing_fields', missingFields: m.missingFields };
  const body = template.format === 'html' ? { html: m.body } : { text: m.body };
  const idempotencyKey = `${baseKey}/${r.email.toLowerCase()}`;
  try {
    const message = { to: r.email, subject: m.subject, ...body, tags };
    if (route && !route.sandbox) {
      // The workspace's connected provider; its outbox deduplicates the key (a resumed schedule re-sends nothing).
      const routed = RoutedOutput.parse(
        await ctx.callTool(
          route.tool,
          { ...message, ...(route.connection ? { connection: route.connection.id } : {}) },
          { idempotencyKey, ...(attribution ? { attribution } : {}) },
        ),
      );
      if ('pendingApproval' in routed)
        return {
          email: r.email,
          status: 'pending_approval',
          ...(routed.pendingApproval.approvalId ? { approvalId: routed.pendingApproval.approvalId } : {}),
        };
      if ('queued' in routed) return { email: r.email, status: 'queued', messageId: routed.queued.messageId };
      return { email: r.email, status: routed.duplicate ? 'duplicate' : 'sent', messageId: routed.messageId };
    }
    if (checkFirst) {
      // A resumed schedule: an approver may have executed a held message since (with this same key).
      const sent = OutboxOutput.parse(await ctx.callTool(CONNECTOR_OUTBOX, { idempotencyKey, limit: 1 })).messages[0];
      if (sent) return { email: r.email, status: 'duplicate', messageId: sent.messageId };
    }
    const raw = await ctx.callTool(route?.tool ?? CONNECTOR_SEND, message, { idempotencyKey, ...(attribution ? { attribution } : {}) });
    const out = ConnectorOutput.parse(raw);
    if ('pendingApproval' in out)
      return {
        email: r.email,
        status: 'pending_approval',
        ...(out.pendingApproval.approvalId ? { approvalId: out.pendingApproval.approvalId } : {}),
      };
    if ('queued' in out) return { email: r.email, status: 'queued', messageId: out.queued.messageId };
    return { email: r.email, status: out.duplicate ? 'duplicate' : 'sent', messageId: out.messageId };
  } catch (e) {
    const code = isNeonHubError(e) ? e.code : 'NH_TOOL_FAILED';
    const message = e instanceof Error ? e.message : String(e);
    return { email: r.email, status: code === 'NH_TOOL_DENIED' ? 'denied' : 'failed', error: { code, message } };
  }
}

/** Records the outcome on the schedule (compare-and-set, retried when another call wrote in between). */
async function finishSchedule(ctx: ToolContext, scheduleId: string, status: 'sent' | 'queued' | 'partial'): Promise<void> {
  for (let attempt = 0; attempt < 5; attempt++) {
    const { schedule, version } = await loadSchedule(ctx, scheduleId);
    if (schedule.status === 'sent') return;
    const next: Schedule = {
      ...schedule,
      status,
      sendKey: ctx.idempotencyKey,
      ...(status === 'sent' ? { sentAt: new Date().toISOString() } : {}),
    };
    if ((await ctx.store.putIf(SCHEDULES, scheduleId, next, version)) !== null) return;
  }
  throw emailErrors.create('NH_EMAIL_CONFLICT', `schedule ${scheduleId} kept changing while this send recorded its outcome: retry`);
}

export const send = defineTool({
  name: 'send',
  description:
    "Sends a scheduled or composed e-mail to each recipient through the workspace's connected e-mail connector (connector-email-sandbox:send when none is connected), so consent and approval policies apply per message, personalized per recipient, exactly once per recipient however often it is retried. The host's scheduler calls this when a schedule is due.",
  sideEffect: 'external',
  timeoutMs: 120_000,
  input,
  output,
  async run(a, ctx) {
    let template: Template;
    let recipients: Recipient[];
    let baseKey: string;
    /** A schedule sent before (partial: some held for approval or failed): check the outbox before each send. */
    let resumed = false;
    if (a.scheduleId !== undefined) {
      const { schedule } = await loadSchedule(ctx, a.scheduleId);
      if (schedule.status === 'sent' && schedule.sendKey !== ctx.idempotencyKey) {
        throw emailErrors.create('NH_EMAIL_ALREADY_SENT', `schedule ${a.scheduleId} was already sent at ${schedule.sentAt}`, {
          details: { scheduleId: a.scheduleId, sentAt: schedule.sentAt },
        });
      }
      template = await loadTemplate(ctx, schedule.templateId);
      recipients = schedule.recipients;
      // A schedule is one logical send: its recipients' keys do not depend on which call sends it.
      baseKey = schedule.scheduleId;
      resumed = schedule.status !== 'scheduled';
    } else {
      template = await loadTemplate(ctx, a.templateId!);
      recipients = a.recipients!;
      baseKey = ctx.idempotencyKey;
    }
    const tags = { template: template.templateId.slice(0, 256), ...(a.scheduleId ? { schedule: a.scheduleId.slice(0, 256) } : {}) };
    const route = await ctx.channels?.resolve('email');
    // the draft the template came from rides with each send into the results (docs/analytics.md#learning)
    const attribution: SendAttribution | undefined = template.contentId
      ? { contentId: template.contentId, ...(template.promptVariant ? { promptVariant: template.promptVariant } : {}) }
      : undefined;
    const results: Result[] = [];
    const seen = new Set<string>();
    for (const r of recipients) {
      if (seen.has(r.email.toLowerCase())) continue;
      seen.add(r.email.toLowerCase());
      results.push(await sendOne(ctx, template, r, baseKey, a.allowMissing, tags, resumed, route, attribution));
    }
    const counts: Record<string, number> = {};
    for (const r of results) counts[r.status] = (counts[r.status] ?? 0) + 1;
    const accepted = results.every((r) => r.status === 'sent' || r.status === 'duplicate' || r.status === 'queued');
    const status: 'sent' | 'queued' | 'partial' = !accepted ? 'partial' : results.some((r) => r.status === 'queued') ? 'queued' : 'sent';
    if (a.scheduleId !== undefined) {
      await finishSchedule(ctx, a.scheduleId, status);
      // Sent by hand before its time: the host's scheduler must not send it again.
      const planned = await ctx.scheduler?.get(a.scheduleId);
      if (planned?.status === 'scheduled' && planned.idempotencyKey !== ctx.idempotencyKey)
        await ctx.scheduler!.cancel(a.scheduleId).catch((err) => ctx.logger.warn({ err }, 'could not cancel the schedule'));
    }
    ctx.logger.info({ templateId: template.templateId, scheduleId: a.scheduleId, counts }, 'e-mail send finished');
    return { ...(a.scheduleId ? { scheduleId: a.scheduleId } : {}), templateId: template.templateId, status, results, counts };
  },
});
