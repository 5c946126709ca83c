import type { Health } from '@neonhub/schemas';

/** What the console's host banner shows: why the host is degraded and which plugins are still starting. */
export interface HealthBanner {
  degraded: boolean;
  /** One line per reason (failed, retrying, degraded, quarantined), at most `max`. */
  reasons: string[];
  /** Reasons left out of `reasons`. */
  more: number;
  starting: string[];
}

const MANAGERS = new Set(['owner', 'admin']);

/** Only admins and owners (of any workspace) manage plugins. */
export const seesHostBanner = (roles: readonly string[]) => roles.some((r) => MANAGERS.has(r));

/** The banner for a /health answer, or null when there is nothing to say (or no answer). */
export function healthBanner(health: Pick<Health, 'status' | 'reasons' | 'starting'> | null, max = 5): HealthBanner | null {
  if (!health) return null;
  const degraded = health.status === 'degraded';
  if (!degraded && health.starting.length === 0) return null;
  return {
    degraded,
    reasons: health.reasons.slice(0, max),
    more: Math.max(0, health.reasons.length - max),
    starting: [...health.starting],
  };
}
