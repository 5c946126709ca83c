import { z } from 'zod';

export const PLUGIN_ID = 'connector-smtp';

/** Per-workspace config (plugin.json `config` is generated from it; a test keeps them equal). */
export const ConfigSchema = z.strictObject({
  from: z.email().optional().describe('Default sender address when neither the message nor the connection names one.'),
});
