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

/**
 * Parsed configs by the host's config object: the host hands the same object to every call until the workspace's
 * config changes (then a new one), so a call parses nothing once its config was seen (the audit hook runs on every
 * call). Objects that go away (a changed config) leave the cache with them.
 */
const parsed = new WeakMap<Record<string, unknown>, DataTrustConfig>();

export function readConfig(raw: Record<string, unknown>): DataTrustConfig {
  const hit = parsed.get(raw);
  if (hit) return hit;
  const r = DataTrustConfigSchema.safeParse(raw);
  const config = r.success ? r.data : DataTrustConfigSchema.parse({});
  parsed.set(raw, config);
  return config;
}
