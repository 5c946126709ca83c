import { z } from 'zod';
import { EngagementSchema } from './engagement.js';

/** Per-workspace config (plugin.json `config` is generated from it; a test keeps them equal). */
export const ConfigSchema = z.strictObject({
  from: z.email().optional().describe('Default sender address for messages that name none.'),
  engagement: EngagementSchema.optional().describe(
    'Simulate recipients: each send reports bounced, or delivered then opened, clicked, unsubscribed, drawn at these rates and seeded by its message id ({} for the default rates). Without it every message is only delivered.',
  ),
});
export type Config = z.infer<typeof ConfigSchema>;
