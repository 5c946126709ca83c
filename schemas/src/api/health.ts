import { z } from 'zod';

export const HealthSchema = z.object({
  status: z.enum(['ok', 'degraded']),
  version: z.string(),
  database: z.string(),
  /** Every plugin: its runtime status once loaded (ready, restarting, degraded, ...), else waiting, starting, retrying or failed. */
  plugins: z.array(z.object({ id: z.string(), status: z.string() })),
  /** Plugins still starting: they join when ready (MCP clients get list_changed). */
  starting: z.array(z.string()),
  /** Why the status is degraded, one line each (failed, retrying, degraded, quarantined). */
  reasons: z.array(z.string()),
  problems: z.array(z.object({ plugin: z.string(), code: z.string(), message: z.string() })),
  /** Conditions an admin must act on (a quarantined tool, ...); `degraded` while any stands. */
  notices: z.array(z.object({ code: z.string(), plugin: z.string().optional(), message: z.string(), since: z.string().optional() })),
});
export type Health = z.infer<typeof HealthSchema>;
