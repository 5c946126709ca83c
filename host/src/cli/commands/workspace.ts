import type { Workspace } from '@neonhub/schemas';
import { withHost } from '../context.js';
import { out } from '../output.js';
import { api, runningHost } from '../running-host.js';

export async function create(slug: string, opts: { name?: string }) {
  const running = runningHost();
  if (running) {
    const { workspace } = await api<{ workspace: Workspace }>(running, 'POST', '/api/workspaces', {
      slug,
      ...(opts.name ? { name: opts.name } : {}),
    });
    return out.ok(`workspace ${workspace.slug} created (${workspace.id})`);
  }
  await withHost({ plugins: false, purpose: 'neonhub workspace create' }, async (host) => {
    const ws = await host.storage.service.createWorkspace({ slug, ...(opts.name ? { name: opts.name } : {}) });
    out.ok(`workspace ${ws.slug} created (${ws.id})`);
  });
}

export async function list(opts: { json?: boolean }) {
  const running = runningHost();
  const workspaces = running
    ? (await api<{ workspaces: Workspace[] }>(running, 'GET', '/api/workspaces')).workspaces
    : await withHost({ plugins: false, purpose: 'neonhub workspace list' }, (host) => host.storage.service.listWorkspaces());
  if (opts.json) return out.json(workspaces);
  if (workspaces.length === 0) return out.line('no workspaces yet: `neonhub workspace create <slug>`');
  out.table(
    workspaces.map((w) => ({ slug: w.slug, name: w.name, created: w.createdAt })),
    ['slug', 'name', 'created'],
  );
}
