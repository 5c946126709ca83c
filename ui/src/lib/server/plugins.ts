import type { Contract } from '@neonhub/schemas';
import { labelOf } from '$lib/approvals';
import { type Contracts, contractTool, NO_CONTRACTS } from '$lib/capabilities';
import type { Api, ApiOutput } from './api';

export type WorkspacePluginView = ApiOutput<'listWorkspacePlugins'>['plugins'][number];

/** "agent-email:send" -> "E-mail agent · Send", from the workspace's manifests (a plugin no longer installed: its id). */
export function toolLabel(tool: string, plugins: readonly Pick<WorkspacePluginView, 'id' | 'name'>[]): string {
  const [pluginId = '', name = tool] = tool.split(':');
  const plugin = plugins.find((p) => p.id === pluginId);
  return `${plugin?.name ?? pluginId} · ${labelOf(name)}`;
}

export async function workspacePlugins(client: Api, ws: string) {
  return client.request('listWorkspacePlugins', { params: { ws } });
}

/**
 * The workspace's provider of each contract with its tools (the host's contract registry); none when it cannot be
 * read; a contract two enabled plugins provide reads as none (its pages say so, the others work).
 */
export async function workspaceContracts(client: Api, ws: string): Promise<Contracts> {
  const r = await client.request('getContracts', { params: { ws } });
  return r.ok ? r.data : NO_CONTRACTS;
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

/**
 * Calls the contract's tool `name` on the workspace's provider of `contract` (the workspace's contracts are read
 * unless given): the output, or the error message; NH_CONTRACT_MISSING when no enabled plugin provides it.
 */
export async function callContract<T>(
  client: Api,
  ws: string,
  contract: Contract,
  name: string,
  input: unknown = {},
  contracts?: Contracts,
): Promise<{ output?: T; error?: string; code?: string }> {
  const tool = contractTool(contracts ?? (await workspaceContracts(client, ws)), contract, name);
  if (!tool) return { error: `No enabled plugin provides ${contract} here.`, code: 'NH_CONTRACT_MISSING' };
  return callCapability<T>(client, ws, tool, input);
}
