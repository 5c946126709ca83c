import { healthBanner, seesHostBanner } from '$lib/health-banner';
import { api } from '$lib/server/api';
import type { LayoutServerLoad } from './$types';

export const load: LayoutServerLoad = (event) => {
  const { locals } = event;
  // Admins and owners see why the host is degraded (a failed policy plugin fails workspaces closed) and what is still
  // starting. Streamed, not awaited: the page paints without waiting for the host's health (a banner is rare).
  const seesAdmin = Boolean(locals.user) && seesHostBanner(locals.workspaces.map((w) => w.role));
  // (a workspace page's shell brought it already: hooks.server.ts)
  const hostBanner = !seesAdmin
    ? null
    : locals.hostHealth !== undefined
      ? Promise.resolve(healthBanner(locals.hostHealth))
      : api(event)
          .request('health')
          .then((h) => (h.ok ? healthBanner(h.data) : null))
          .catch(() => null);
  return { user: locals.user, workspaces: locals.workspaces, theme: locals.theme, seesAdmin, hostBanner };
};
