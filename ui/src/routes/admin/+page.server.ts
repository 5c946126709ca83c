import { error } from '@sveltejs/kit';
import { seesHostBanner } from '$lib/health-banner';
import { api } from '$lib/server/api';
import { requireUser } from '$lib/server/guard';
import type { PageServerLoad } from './$types';

/** Host health for the people who manage plugins (owners and admins of a workspace): plugin statuses, recent calls. */
export const load: PageServerLoad = async (event) => {
  requireUser(event.locals, event.url);
  const managed = event.locals.workspaces.filter((w) => seesHostBanner([w.role]));
  if (!managed.length) error(403, { message: 'Host health is for workspace owners and admins.', code: 'NH_AUTH_FORBIDDEN' });
  const client = api(event);
  const [health, ...calls] = await Promise.all([
    client.request('health'),
    ...managed.slice(0, 8).map(async (w) => {
      const r = await client.request('listCalls', { params: { ws: w.slug }, query: { limit: 5 } });
      return r.ok ? r.data.calls.map((c) => ({ ...c, workspace: w.slug })) : [];
    }),
  ]);
  const recent = calls
    .flat()
    .sort((a, b) => b.createdAt.localeCompare(a.createdAt) || b.id.localeCompare(a.id))
    .slice(0, 8);
  return { health: health.ok ? health.data : null, recent };
};
