import { z } from 'zod';

export const PLUGIN_ID = 'connector-stripe';

/** Per-workspace config (plugin.json `config` is generated from it; a test keeps them equal). */
export const ConfigSchema = z.strictObject({
  baseUrl: z
    .url({ protocol: /^https?$/ })
    .optional()
    .describe('Stripe API base URL; default https://api.stripe.com (a local fake for tests and NEONHUB_CONNECTORS=local-fakes).'),
});
export type Config = z.infer<typeof ConfigSchema>;
