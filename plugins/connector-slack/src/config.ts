import { z } from 'zod';

export const PLUGIN_ID = 'connector-slack';

/** Per-workspace config (plugin.json `config` is generated from it; a test keeps them equal). */
export const ConfigSchema = z.strictObject({
  baseUrl: z
    .url({ protocol: /^https?$/ })
    .optional()
    .describe('Slack Web API URL; default https://slack.com/api/ (a local fake for tests and NEONHUB_CONNECTORS=local-fakes).'),
});
