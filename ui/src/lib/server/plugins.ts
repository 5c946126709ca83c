import { type Api, enc } from './api';

export interface WorkspacePluginView {
  id: string;
  name: string;
  version: string;
  kind: string;
  description: string;
  runtime: string;
  status: string;
  enabled: boolean;
  config: Record<string, unknown>;
  configSchema: Record<string, unknown> | null;
  networkHosts: string[];
  secrets: { name: string; description: string; required: boolean; set: boolean }[];
  tools: { name: string; description: string; sideEffect: string }[];
}

export async function workspacePlugins(client: Api, ws: string) {
  return client.get<{ plugins: WorkspacePluginView[] }>(`/api/workspaces/${enc(ws)}/plugins`);
}

/** Whether a capability plugin (governance, data-trust, eco) is enabled in the workspace. */
export async function isEnabled(client: Api, ws: string, pluginId: string): Promise<boolean> {
  const r = await workspacePlugins(client, ws);
  return r.ok && r.data.plugins.some((p) => p.id === pluginId && p.enabled);
}

/** Calls a capability tool through the host API; the output, or the error message. */
export async function callCapability<T>(
  client: Api,
  ws: string,
  tool: string,
  input: unknown = {},
): Promise<{ output?: T; error?: string; code?: string }> {
  const r = await client.post<{ status: string; output?: T; reason?: string }>(`/api/workspaces/${enc(ws)}/tools/${enc(tool)}/call`, {
    input,
  });
  if (!r.ok) return { error: r.error.message, code: r.error.code };
  if (r.data.status !== 'ok') return { error: `waiting for approval: ${r.data.reason ?? ''}` };
  return { output: r.data.output as T };
}
