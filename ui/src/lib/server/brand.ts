import type { BrandKit } from '@neonhub/schemas';
import { channelTools, contractTool } from '$lib/capabilities';
import type { PolicyDoc } from '$lib/policy';
import type { Api } from './api';
import { callCapability, type WorkspacePluginView, workspaceContracts, workspacePlugins } from './plugins';
import type { Shell } from './shell';

export interface PolicyState {
  tool: { get: string; set: string };
  version: number;
  policy: PolicyDoc;
}

type Known = Pick<Shell, 'plugins' | 'contracts' | 'error'>;

/** The workspace's plugins and contract providers, read without the shell (a form action runs without the layout). */
async function pluginsAndContracts(client: Api, ws: string): Promise<Known> {
  const [r, contracts] = await Promise.all([workspacePlugins(client, ws), workspaceContracts(client, ws)]);
  return { plugins: r.ok ? r.data.plugins : [], contracts, error: r.ok ? null : r };
}

/**
 * The workspace's enabled plugins, its contracts, the policy (when the policy provider offers get/set_policy) and the
 * delivery tools per channel. A page load passes the workspace's shell (`shellOf`, read once per request); an action
 * reads the plugins and contracts itself.
 */
export async function loadGovernance(client: Api, ws: string, shell?: Promise<Known>) {
  const [{ plugins, contracts, error: readError }, conns] = await Promise.all([
    shell ?? pluginsAndContracts(client, ws),
    client.request('listConnections', { params: { ws } }),
  ]);
  // the channels each connector serves, from its manifest's connector block (the connections API reads it)
  const declared = new Map(conns.ok ? conns.data.connectors.map((c) => [c.plugin, c.channels as string[]]) : []);
  const enabled: (WorkspacePluginView & { connector?: { channels: string[] } })[] = plugins
    .filter((p) => p.enabled)
    .map((p) => (declared.get(p.id)?.length ? { ...p, connector: { channels: declared.get(p.id)! } } : p));
  const get = contractTool(contracts, 'policy', 'get_policy');
  const set = contractTool(contracts, 'policy', 'set_policy');
  let policy: PolicyState | null = null;
  let error: string | null = readError ? readError.error.message : null;
  if (get && set) {
    const got = await callCapability<{ version: number; policy: PolicyDoc }>(client, ws, get, {});
    if (got.output) policy = { tool: { get, set }, version: got.output.version, policy: got.output.policy };
    else error = got.error ?? 'the policy could not be read';
  }
  const byChannel = channelTools(enabled);
  const sideEffect = (qualified: string) =>
    enabled.flatMap((p) => p.tools).find((t) => t.name === qualified || `${qualified.split(':')[0]}:${t.name}` === qualified)?.sideEffect ??
    'external';
  const nameOf = (qualified: string) => {
    const id = qualified.slice(0, qualified.indexOf(':'));
    return enabled.find((p) => p.id === id)?.name ?? id;
  };
  const channels = Object.entries(byChannel).map(([channel, tools]) => ({
    channel,
    tools: tools.map((name) => ({ name, sideEffect: sideEffect(name) })),
    via: [...new Set(tools.map(nameOf))],
  }));
  return { enabled, contracts, policy, channels, error };
}

/** Saves a new policy version (refused if someone saved since `expectedVersion`). */
export async function savePolicy(client: Api, ws: string, state: PolicyState, policy: PolicyDoc, note: string) {
  return callCapability<{ version: number }>(client, ws, state.tool.set, { policy, expectedVersion: state.version, note });
}

/**
 * The brand kit as the workspace's memory holds it (host API `GET …/brand-kit`, through the memory contract), or null
 * when no plugin provides memory here.
 */
export async function loadBrandKit(client: Api, ws: string) {
  const r = await client.request('getBrandKit', { params: { ws } });
  return r.ok ? r.data : null;
}

/** Saves the brand kit into memory (one document per section, replaced); `skipped` when memory is not enabled. */
export async function saveBrandKit(client: Api, ws: string, kit: BrandKit) {
  const r = await client.request('saveBrandKit', { params: { ws }, body: kit });
  if (r.ok) return { ok: true as const };
  if (r.error.code === 'NH_BRAND_KIT_NO_MEMORY') return { ok: true as const, skipped: true };
  return { ok: false as const, status: r.status, error: r.error.message, code: r.error.code };
}
