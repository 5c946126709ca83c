import { z } from 'zod';

/** A workspace's outbound allow-list as the API shows it: the host-wide entries (NEONHUB_OUTBOUND_ALLOW) and its own. */
export const OutboundViewSchema = z.object({ host: z.array(z.string()), workspace: z.array(z.string()) });
export type OutboundView = z.infer<typeof OutboundViewSchema>;
export const OutboundSchema = z.object({ outbound: OutboundViewSchema });
/** Each entry is checked by the host's outbound guard (NH_OUTBOUND_ALLOW_INVALID names the entry). */
export const OutboundBodySchema = z.strictObject({ allow: z.array(z.string().max(300)).max(100) });
