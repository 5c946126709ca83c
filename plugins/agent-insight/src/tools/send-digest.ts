import { defineTool, type ToolContext } from '@neonhub/sdk';
import { z } from 'zod';
import { digestConfig } from '../config.js';
import { planDigest } from '../digest/plan.js';
import { renderDigest } from '../digest/render.js';
import { insightErrors } from '../errors.js';
import { readAndAnalyze, yesterday } from '../results/read.js';

/** The sandbox e-mail connector, when the workspace routes e-mail nowhere else (as agent-email does). */
const SANDBOX_EMAIL = 'connector-email-sandbox:send';

const Delivered = z.object({ messageId: z.string(), duplicate: z.boolean().optional() });
const Held = z.object({ pendingApproval: z.object({ approvalId: z.string().optional(), reason: z.string() }) });
const Queued = z.object({ queued: z.object({ messageId: z.string(), status: z.string(), reason: z.string() }) });
const Answer = z.union([Held, Queued, Delivered]);

async function deliver(ctx: ToolContext, message: { subject: string; text: string }) {
  const config = digestConfig(ctx.config);
  const key = `${ctx.idempotencyKey}/digest`;
  let tool: string;
  let input: Record<string, unknown>;
  if (config.channel === 'chat') {
    const route = await ctx.channels?.resolve('chat');
    if (!route)
      throw insightErrors.create('NH_INSIGHT_DIGEST_NO_ROUTE', 'the digest goes to chat but no chat connector (Slack, Discord) is enabled');
    tool = route.tool;
    input = {
      text: `*${message.subject}*\n\n${message.text}`,
      ...(config.chatChannel ? { channel: config.chatChannel } : {}),
      ...(route.connection ? { connection: route.connection.id } : {}),
    };
  } else {
    if (config.recipients.length === 0)
      throw insightErrors.create('NH_INSIGHT_DIGEST_NO_ROUTE', 'the digest has no recipients: add e-mail addresses to digest.recipients');
    const route = await ctx.channels?.resolve('email');
    tool = route?.tool ?? SANDBOX_EMAIL;
    input = {
      to: config.recipients,
      subject: message.subject,
      text: message.text,
      tags: { kind: 'insight-digest' },
      ...(route?.connection ? { connection: route.connection.id } : {}),
    };
  }
  const answer = Answer.parse(await ctx.callTool(tool, input, { idempotencyKey: key }));
  if ('pendingApproval' in answer) return { tool, status: 'pending_approval' as const, reason: answer.pendingApproval.reason };
  if ('queued' in answer) return { tool, status: 'queued' as const, reason: answer.queued.reason, messageId: answer.queued.messageId };
  return { tool, status: 'sent' as const, messageId: answer.messageId };
}

export const sendDigest = defineTool({
  name: 'send_digest',
  description:
    "Sends the weekly results digest for the week ending asOf through the workspace's e-mail or chat connector (the agent's digest config): what stood out (anomalies with their day and likely reason), the biggest changes from the week before, and next week's forecast, in plain words. When the digest is enabled it then plans the next week's.",
  sideEffect: 'external',
  timeoutMs: 60_000,
  input: z.object({
    asOf: z
      .string()
      .regex(/^\d{4}-\d{2}-\d{2}$/)
      .optional()
      .describe('Last day of the reported week (YYYY-MM-DD, UTC); default yesterday.'),
  }),
  output: z.object({
    status: z.enum(['sent', 'queued', 'pending_approval']),
    reason: z.string().optional(),
    via: z.string(),
    messageId: z.string().optional(),
    subject: z.string(),
    text: z.string(),
    anomalies: z.number().int(),
    next: z.object({ runAt: z.string(), timeZone: z.string() }).optional(),
  }),
  async run(a, ctx) {
    const config = digestConfig(ctx.config);
    const analysis = await readAndAnalyze(ctx, { asOf: a.asOf ?? yesterday(), weeks: config.weeks });
    const message = renderDigest(analysis, { workspace: ctx.workspace.slug });
    const sent = await deliver(ctx, message);
    // planning next week's must not undo this week's send: a failure is logged (schedule_digest says why)
    const plan =
      config.enabled && ctx.scheduler
        ? await planDigest(ctx).catch((err: unknown) => {
            ctx.logger.warn({ err }, 'the digest went out but the next one could not be planned');
            return undefined;
          })
        : undefined;
    return {
      status: sent.status,
      ...('reason' in sent && sent.reason ? { reason: sent.reason } : {}),
      via: sent.tool,
      ...(sent.messageId ? { messageId: sent.messageId } : {}),
      subject: message.subject,
      text: message.text,
      anomalies: analysis.anomalies.filter((x) => x.inPeriod).length,
      ...(plan?.status === 'scheduled' ? { next: { runAt: plan.runAt, timeZone: plan.timeZone } } : {}),
    };
  },
});
