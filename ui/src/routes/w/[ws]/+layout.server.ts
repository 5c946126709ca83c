import { requireUser, requireWorkspace } from '$lib/server/guard';
import type { LayoutServerLoad } from './$types';

export const load: LayoutServerLoad = ({ locals, url, params }) => {
  requireUser(locals, url);
  const workspace = requireWorkspace(locals, params.ws);
  const canManage = workspace.role === 'owner' || workspace.role === 'admin';
  return { workspace, canManage, canRun: canManage || workspace.role === 'member' };
};
