import { z } from 'zod';

/** Per-workspace config (plugin.json `config` is generated from it; a test keeps them equal). */
export const ConfigSchema = z.strictObject({
  from: z.email().optional().describe('Default sender address for messages that name none.'),
});
export type Config = z.infer<typeof ConfigSchema>;
