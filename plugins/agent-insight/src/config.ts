import { z } from 'zod';

export const WEEKDAYS = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'] as const;

export const DigestConfigSchema = z.strictObject({
  enabled: z.boolean().default(false).describe('Send the weekly results digest.'),
  channel: z
    .enum(['email', 'chat'])
    .default('email')
    .describe("Where it goes: e-mail (the workspace's e-mail connector) or chat (its Slack/Discord connector)."),
  recipients: z.array(z.email().max(320)).max(50).default([]).describe('E-mail addresses that receive it (channel email).'),
  chatChannel: z.string().min(1).max(200).optional().describe("Chat channel (#name or id) to post in; default: the connection's channel."),
  day: z.enum(WEEKDAYS).default('monday').describe('Day of the week it is sent; it reports the seven days before.'),
  time: z
    .string()
    .regex(/^([01]\d|2[0-3]):[0-5]\d$/)
    .default('09:00')
    .describe('Local time it is sent, HH:MM.'),
  timeZone: z.string().min(1).max(64).optional().describe("IANA time zone of day and time (default: the workspace's)."),
  weeks: z.number().int().min(2).max(12).default(4).describe('Weeks of history read: the last is reported, the others are the baseline.'),
});
export type DigestConfig = z.output<typeof DigestConfigSchema>;

/** Per-workspace config (plugin.json `config` is generated from it; a test keeps them equal). */
export const ConfigSchema = z.strictObject({
  digest: DigestConfigSchema.optional().describe('The weekly results digest.'),
});

/** The digest settings of a workspace's config, defaults filled in. */
export const digestConfig = (config: Record<string, unknown>): DigestConfig =>
  DigestConfigSchema.parse((ConfigSchema.parse(config).digest ?? {}) as unknown);
