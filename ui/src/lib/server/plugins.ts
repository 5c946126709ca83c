import type { Api, ApiOutput } from './api';

export type WorkspacePluginView = ApiOutput<'listWorkspacePlugins'>['plugins'][number];

export async function workspacePlugins(client: Api, ws: string) {
  return client.request('listWorkspacePlugins', { params: { ws } });
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
  const r = await client.request('callTool', { params: { ws, tool }, body: { input } });
  if (!r.ok) return { error: r.error.message, code: r.error.code };
  if (r.data.status !== 'ok') return { error: `waiting for approval: ${r.data.reason}` };
  // a plugin tool's output: its shape is the tool's output schema (the plugin's own types)
  return { output: r.data.output as T };
}
