import { z } from 'zod';

/**
 * The messaging channels' tool contracts, shared by every real connector of a channel so an agent that resolved
 * the channel (ctx.channels) calls the same input whichever provider serves it: email `send` (connector-resend,
 * connector-smtp; the sandbox e-mail input plus `connection`), sms `send` (connector-twilio), chat `post`
 * (connector-slack, connector-discord).
 */

const Address = z.email().max(320);
const Connection = z
  .string()
  .min(1)
  .max(200)
  .optional()
  .describe("The connected account to send with (its id or label); default: the workspace's default connection.");

/** The message an e-mail `send` takes (the sandbox connector's whole input; real connectors add `connection`). */
export const EmailMessageSchema = z.object({
  to: z
    .union([Address, z.array(Address).min(1).max(50)])
    .describe('Recipient address, or a list of up to 50 addresses that all receive the same message.'),
  subject: z.string().trim().min(1).max(998).describe('Subject line (RFC 5322 allows up to 998 characters).'),
  text: z.string().min(1).max(200_000).optional().describe('Plain-text body. Give text, html, or both.'),
  html: z.string().min(1).max(500_000).optional().describe('HTML body. Give text, html, or both.'),
  from: Address.optional().describe("Sender address; defaults to the connection's sender, then the plugin config `from`."),
  replyTo: Address.optional().describe('Reply-To address.'),
  tags: z
    .record(z.string().regex(/^[a-zA-Z0-9_-]{1,64}$/), z.string().max(256))
    .default({})
    .describe('Provider tags (name -> value), e.g. { campaign: "spring-sale" }, sent with the message for reporting.'),
});

/** An e-mail needs a body: text, html, or both. */
export function requireEmailBody<S extends z.ZodType<{ text?: string | undefined; html?: string | undefined }>>(schema: S) {
  return schema.refine((v) => v.text !== undefined || v.html !== undefined, { message: 'give a text or an html body', path: ['text'] });
}

export const EmailSendInputSchema = requireEmailBody(EmailMessageSchema.extend({ connection: Connection }));
export type EmailSendInput = z.output<typeof EmailSendInputSchema>;

export const EmailSendOutputSchema = z.object({
  /** The provider's message id (Resend's e-mail id, the SMTP Message-ID). */
  messageId: z.string(),
  /** True when this idempotency key had already sent the message: nothing new was sent. */
  duplicate: z.boolean(),
  status: z.literal('sent'),
  sandbox: z.literal(false),
  to: z.array(z.string()),
  /** When the provider accepted it. */
  recordedAt: z.string(),
});
export type EmailSendOutput = z.infer<typeof EmailSendOutputSchema>;

export const SmsSendInputSchema = z.object({
  to: z
    .string()
    .regex(/^\+[1-9]\d{6,14}$/, 'a phone number in E.164 form, e.g. +14155550123')
    .describe('Recipient phone number in E.164 form (+ country code and number), e.g. +14155550123.'),
  body: z
    .string()
    .trim()
    .min(1)
    .max(1600)
    .describe('Message text (up to 1,600 characters; the carrier splits it into segments of 160 GSM-7 or 70 UCS-2 characters).'),
  connection: Connection,
});
export type SmsSendInput = z.output<typeof SmsSendInputSchema>;

export const SmsSendOutputSchema = z.object({
  /** The provider's message id (Twilio's SM... sid). */
  messageId: z.string(),
  duplicate: z.boolean(),
  /** The provider's status at acceptance (queued, accepted, sent...); delivery arrives later as a webhook event. */
  status: z.string(),
  to: z.string(),
  recordedAt: z.string(),
});
export type SmsSendOutput = z.infer<typeof SmsSendOutputSchema>;

export const ChatPostInputSchema = z.object({
  text: z.string().trim().min(1).max(40_000).describe('The message text (Slack mrkdwn / Discord markdown).'),
  channel: z
    .string()
    .min(1)
    .max(200)
    .optional()
    .describe("Where to post: a Slack channel id or #name (default: the connection's channel); a Discord thread id."),
  connection: Connection,
});
export type ChatPostInput = z.output<typeof ChatPostInputSchema>;

export const ChatPostOutputSchema = z.object({
  /** The provider's message id (Slack `<channel>:<ts>`, Discord's snowflake). */
  messageId: z.string(),
  duplicate: z.boolean(),
  status: z.literal('posted'),
  channel: z.string(),
  recordedAt: z.string(),
});
export type ChatPostOutput = z.infer<typeof ChatPostOutputSchema>;

/**
 * The draft a send's text came from (a content id such as agent-content's `drf_...`) and the prompt variant that
 * wrote it: agents carry them from the draft step to their sends, and the results keep them on every event of the
 * send (docs/analytics.md#the-draft-on-every-send).
 */
export const ContentIdSchema = z.string().trim().min(1).max(100);
export const PromptVariantIdSchema = z.string().trim().min(1).max(100);
