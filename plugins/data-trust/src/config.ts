import { z } from 'zod';

/** Per-workspace config of data-trust (plugin.json `config` is generated from this). */
export const DataTrustConfigSchema = z.strictObject({
  checkpointEvery: z
    .number()
    .int()
    .min(1)
    .max(1_000_000)
    .default(1000)
    .describe('Sign a Merkle checkpoint automatically every this many audit entries (default 1000).'),
});
export type DataTrustConfig = z.infer<typeof DataTrustConfigSchema>;

export function readConfig(raw: Record<string, unknown>): DataTrustConfig {
  const r = DataTrustConfigSchema.safeParse(raw);
  return r.success ? r.data : DataTrustConfigSchema.parse({});
}
