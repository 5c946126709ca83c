import { healthBanner, seesHostBanner } from '$lib/health-banner';
import { api } from '$lib/server/api';
import type { LayoutServerLoad } from './$types';

export const load: LayoutServerLoad = async (event) => {
  const { locals } = event;
  // Admins and owners see why the host is degraded (a failed policy plugin fails workspaces closed) and what is still starting.
  const seesAdmin = Boolean(locals.user) && seesHostBanner(locals.workspaces.map((w) => w.role));
  const health = seesAdmin ? await api(event).request('health') : null;
  return {
    user: locals.user,
    workspaces: locals.workspaces,
    theme: locals.theme,
    seesAdmin,
    hostBanner: health?.ok ? healthBanner(health.data) : null,
  };
};
