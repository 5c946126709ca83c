import { hostErrors } from '../../errors.js';
import { withStorage } from '../context.js';
import { out } from '../output.js';
import { hostApi, runningHost } from '../running-host.js';

export async function create(slug: string, opts: { name?: string }) {
  const running = runningHost();
  if (running) {
    const { workspace } = await hostApi(running, 'createWorkspace', { body: { slug, ...(opts.name ? { name: opts.name } : {}) } });
    return out.ok(`workspace ${workspace.slug} created (${workspace.id})`);
  }
  await withStorage({ purpose: 'neonhub workspace create' }, async (storage) => {
    const ws = await storage.service.createWorkspace({ slug, ...(opts.name ? { name: opts.name } : {}) });
    out.ok(`workspace ${ws.slug} created (${ws.id})`);
  });
}

export async function list(opts: { json?: boolean }) {
  const running = runningHost();
  const workspaces = running
    ? (await hostApi(running, 'listWorkspaces')).workspaces
    : await withStorage({ purpose: 'neonhub workspace list' }, (storage) => storage.service.listWorkspaces());
  if (opts.json) return out.json(workspaces);
  if (workspaces.length === 0) return out.line('no workspaces yet: `neonhub workspace create <slug>`');
  out.table(
    workspaces.map((w) => ({ slug: w.slug, name: w.name, created: w.createdAt })),
    ['slug', 'name', 'created'],
  );
}

export interface LlmOptions {
  provider?: string;
  model?: string;
  baseUrl?: string;
  api?: string;
  apiKeyEnv?: string;
  clear?: boolean;
  json?: boolean;
}

/** Shows, sets or clears the workspace's language model. The key is read from an environment variable, never an argument. */
export async function llm(slug: string, opts: LlmOptions) {
  const key = opts.apiKeyEnv ? process.env[opts.apiKeyEnv] : undefined;
  if (opts.apiKeyEnv && !key)
    throw hostErrors.create('NH_REQUEST_INVALID', `the environment variable ${opts.apiKeyEnv} is empty or not set`);
  const settings = opts.provider
    ? {
        provider: opts.provider,
        ...(opts.model ? { model: opts.model } : {}),
        ...(opts.baseUrl ? { baseURL: opts.baseUrl } : {}),
        ...(opts.api ? { api: opts.api } : {}),
        ...(key ? { apiKey: key } : {}),
      }
    : undefined;
  if (settings === undefined && (opts.model || opts.baseUrl || opts.api || opts.apiKeyEnv))
    throw hostErrors.create('NH_REQUEST_INVALID', 'give --provider with the other model settings (or --clear)');
  const running = runningHost();
  const params = { ws: slug };
  const view = running
    ? (opts.clear
        ? await hostApi(running, 'clearLlm', { params })
        : settings
          ? await hostApi(running, 'setLlm', { params, body: settings })
          : await hostApi(running, 'getLlm', { params })
      ).llm
    : await withStorage({ purpose: 'neonhub workspace llm' }, (storage) =>
        opts.clear ? storage.llm.clear(slug) : settings ? storage.llm.set(slug, settings) : storage.llm.get(slug),
      );
  if (opts.json) return out.json(view);
  out.line(
    `${slug}: ${view.provider} ${view.model}${view.baseURL ? ` at ${view.baseURL}` : ''} (${view.source === 'host' ? "the host's default" : 'set for this workspace'}; API key ${view.hasApiKey ? 'stored' : 'none'})`,
  );
}

/**
 * Shows or replaces the workspace's outbound allow-list (docs/security.md, "Outbound requests"). Through a running
 * host this needs the operator credential, which the CLI on the host machine sends.
 */
export async function outbound(slug: string, entries: string[], opts: { clear?: boolean; json?: boolean }) {
  if (opts.clear && entries.length > 0) throw hostErrors.create('NH_REQUEST_INVALID', 'give entries or --clear, not both');
  const change = opts.clear ? { allow: [] } : entries.length > 0 ? { allow: entries } : undefined;
  const running = runningHost();
  const params = { ws: slug };
  const view = running
    ? (change ? await hostApi(running, 'setOutbound', { params, body: change }) : await hostApi(running, 'getOutbound', { params }))
        .outbound
    : await withStorage({ purpose: 'neonhub workspace outbound' }, (storage) =>
        change ? storage.outbound.set(slug, change) : storage.outbound.get(slug),
      );
  if (opts.json) return out.json(view);
  const list = (l: string[]) => (l.length > 0 ? l.join(', ') : 'none');
  out.line(`${slug}: outbound allow-list ${list(view.workspace)} (host-wide NEONHUB_OUTBOUND_ALLOW: ${list(view.host)})`);
}
