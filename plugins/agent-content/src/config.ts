import type { ToolContext } from '@neonhub/sdk';
import { z } from 'zod';

/** Per-workspace config (plugin.json `config` is generated from it; a test keeps them equal). */
export const ConfigSchema = z.strictObject({
  brandVoice: z
    .string()
    .max(2000)
    .optional()
    .describe('How the brand sounds, e.g. "warm, plain-spoken, no jargon"; every draft prompt carries it.'),
  bannedPhrases: z
    .array(z.string().min(1).max(200))
    .max(500)
    .optional()
    .describe('Phrases a draft must not contain (case-insensitive); check_quality fails a draft that uses one.'),
});
export type Config = z.infer<typeof ConfigSchema>;

/** The validated config (the host validates it already; the harness does not). */
export function configOf(ctx: Pick<ToolContext, 'config'>): Config {
  const parsed = ConfigSchema.safeParse(ctx.config);
  return parsed.success ? parsed.data : {};
}
