import type { PendingSummary } from '$lib/approvals';
import { atLeast } from '$lib/nav';
import { api } from '$lib/server/api';
import { requireUser, requireWorkspace } from '$lib/server/guard';
import { toolLabel, waitingFor } from '$lib/server/waiting';
import type { LayoutServerLoad } from './$types';

export const load: LayoutServerLoad = (event) => {
  const { locals, url, params } = event;
  const user = requireUser(locals, url);
  const workspace = requireWorkspace(locals, params.ws);
  const canManage = atLeast(workspace.role, 'admin');
  // Streamed (not awaited): the page paints first, the badge follows. It counts the runs' steps that wait (the
  // runs API) and the calls held for approval outside a run as the host saw them held (no tool call: reading the
  // approvals provider's list is an audited call, done on the home and approvals pages only).
  const client = api(event);
  const held = client.request('listHeldCalls', { params: { ws: params.ws } }).then((r) => (r.ok ? r.data.held : []));
  const pending: Promise<PendingSummary> = Promise.all([waitingFor(client, params.ws, user.id, { calls: false, scope: locals }), held])
    .then(([w, calls]) => {
      const first = [
        ...w.items.map((i) => ({ key: i.key, title: i.title, context: i.runGoal, at: i.askedAt })),
        ...calls.map((c) => ({ key: c.approvalId ?? c.callId, title: toolLabel(c.tool, w.plugins), context: null, at: c.createdAt })),
      ]
        .sort((a, b) => a.at.localeCompare(b.at))
        .slice(0, 5)
        .map(({ key, title, context }) => ({ key, title, context }));
      return { count: w.items.length + calls.length, first };
    })
    .catch(() => ({ count: 0, first: [] }));
  return { workspace, role: workspace.role, canManage, canRun: atLeast(workspace.role, 'member'), pending };
};
