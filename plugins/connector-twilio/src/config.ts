import { z } from 'zod';

export const PLUGIN_ID = 'connector-twilio';

/** Per-workspace config (plugin.json `config` is generated from it; a test keeps them equal). */
export const ConfigSchema = z.strictObject({
  baseUrl: z
    .url({ protocol: /^https?$/ })
    .optional()
    .describe('Twilio API base URL; default https://api.twilio.com (a local fake for tests and NEONHUB_CONNECTORS=local-fakes).'),
  hooksBaseUrl: z
    .url({ protocol: /^https?$/ })
    .optional()
    .describe(
      "This host's public URL: each message asks Twilio to post its status callbacks to <hooksBaseUrl>/hooks/connector-twilio/<connection>.",
    ),
});
