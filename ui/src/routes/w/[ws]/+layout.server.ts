import { approvalExpired, type PendingSummary } from '$lib/approvals';
import { contractOffers } from '$lib/capabilities';
import { atLeast } from '$lib/nav';
import { requireUser, requireWorkspace } from '$lib/server/guard';
import { waitingFor } from '$lib/server/waiting';
import type { LayoutServerLoad } from './$types';

export const load: LayoutServerLoad = (event) => {
  const { locals, url, params } = event;
  const user = requireUser(locals, url);
  const workspace = requireWorkspace(locals, params.ws);
  const canManage = atLeast(workspace.role, 'admin');
  // Streamed (not awaited): the page paints first, the badge follows. It counts the runs' steps that wait and the
  // calls held for approval outside a run as the host noted them (no tool call), from the workspace's shell: one
  // host call per request, which the page's load reads too (shellOf).
  const waiting = waitingFor(event, params.ws, user.id);
  const now = Date.now();
  const pending: Promise<PendingSummary> = waiting
    .then((w) => ({
      count: w.open,
      // the live ones only: an expired approval is shown on the page ("Expired") but waits for nobody
      first: w.items
        .filter((i) => !approvalExpired(i.expiresAt, now))
        .slice(0, 5)
        .map((i) => ({ key: i.key, title: i.title, context: i.runGoal })),
    }))
    .catch(() => ({ count: 0, first: [] }));
  // which installed plugins provide each contract (a page whose contract has no single provider offers them)
  const offers = waiting.then((w) => contractOffers(w.plugins)).catch(() => ({}) as ReturnType<typeof contractOffers>);
  return { workspace, role: workspace.role, canManage, canRun: atLeast(workspace.role, 'member'), pending, offers };
};
