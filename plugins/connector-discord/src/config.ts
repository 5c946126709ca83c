import { z } from 'zod';

export const PLUGIN_ID = 'connector-discord';

/** Per-workspace config (plugin.json `config` is generated from it; a test keeps them equal). */
export const ConfigSchema = z.strictObject({
  baseUrl: z
    .url({ protocol: /^https?$/ })
    .optional()
    .describe("Replaces the webhook URL's origin (https://discord.com): a local fake for tests and NEONHUB_CONNECTORS=local-fakes."),
});
