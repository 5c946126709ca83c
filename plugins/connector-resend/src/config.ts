import { z } from 'zod';

export const PLUGIN_ID = 'connector-resend';

/** Per-workspace config (plugin.json `config` is generated from it; a test keeps them equal). */
export const ConfigSchema = z.strictObject({
  from: z
    .email()
    .optional()
    .describe('Default sender address when neither the message nor the connection names one (a verified Resend domain).'),
  baseUrl: z
    .url({ protocol: /^https?$/ })
    .optional()
    .describe('Resend API base URL; default https://api.resend.com (a local fake for tests and NEONHUB_CONNECTORS=local-fakes).'),
});
export type Config = z.infer<typeof ConfigSchema>;
