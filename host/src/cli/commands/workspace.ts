import { withHost } from '../context.js';
import { out } from '../output.js';

export async function create(slug: string, opts: { name?: string }) {
  await withHost({ plugins: false, purpose: 'neonhub workspace create' }, async (host) => {
    const ws = await host.storage.service.createWorkspace({ slug, ...(opts.name ? { name: opts.name } : {}) });
    out.ok(`workspace ${ws.slug} created (${ws.id})`);
  });
}

export async function list(opts: { json?: boolean }) {
  await withHost({ plugins: false, purpose: 'neonhub workspace list' }, async (host) => {
    const workspaces = await host.storage.service.listWorkspaces();
    if (opts.json) return out.json(workspaces);
    if (workspaces.length === 0) return out.line('no workspaces yet: `neonhub workspace create <slug>`');
    out.table(
      workspaces.map((w) => ({ slug: w.slug, name: w.name, created: w.createdAt })),
      ['slug', 'name', 'created'],
    );
  });
}
