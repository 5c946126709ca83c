import { type Contracts, channelTools, contractTool } from '$lib/capabilities';
import type { PolicyDoc } from '$lib/policy';
import type { Api } from './api';
import { callCapability, type WorkspacePluginView, workspaceContracts, workspacePlugins } from './plugins';

/** The collection product facts live in (memory), one document kept current. */
export const FACTS_COLLECTION = 'product_facts';

export interface PolicyState {
  tool: { get: string; set: string };
  version: number;
  policy: PolicyDoc;
}

/**
 * The workspace's enabled plugins, its contracts, the policy (when the policy provider offers get/set_policy) and the
 * delivery tools per channel.
 */
export async function loadGovernance(client: Api, ws: string) {
  const [r, conns, contracts] = await Promise.all([
    workspacePlugins(client, ws),
    client.request('listConnections', { params: { ws } }),
    workspaceContracts(client, ws),
  ]);
  // the channels each connector serves, from its manifest's connector block (the connections API reads it)
  const declared = new Map(conns.ok ? conns.data.connectors.map((c) => [c.plugin, c.channels as string[]]) : []);
  const enabled: (WorkspacePluginView & { connector?: { channels: string[] } })[] = r.ok
    ? r.data.plugins
        .filter((p) => p.enabled)
        .map((p) => (declared.get(p.id)?.length ? { ...p, connector: { channels: declared.get(p.id)! } } : p))
    : [];
  const get = contractTool(contracts, 'policy', 'get_policy');
  const set = contractTool(contracts, 'policy', 'set_policy');
  let policy: PolicyState | null = null;
  let error: string | null = r.ok ? null : r.error.message;
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

/** The product facts document (memory), if memory is enabled and one was saved (the collection holds only it). */
export async function loadFacts(client: Api, ws: string, contracts: Contracts): Promise<{ documentId: string; content: string } | null> {
  const search = contractTool(contracts, 'memory', 'memory_search');
  const get = contractTool(contracts, 'memory', 'memory_get_document');
  if (!search || !get) return null;
  // vector search always answers the nearest chunks: with one document in the collection, that one
  const hit = await callCapability<{ hits: { documentId: string }[] }>(client, ws, search, {
    query: 'product facts',
    collection: FACTS_COLLECTION,
    mode: 'vector',
    limit: 1,
  });
  const id = hit.output?.hits[0]?.documentId;
  if (!id) return null;
  const doc = await callCapability<{ id: string; content: string }>(client, ws, get, { documentId: id });
  return doc.output ? { documentId: doc.output.id, content: doc.output.content } : null;
}

/** Replaces the product facts document: the new one is stored first, then the old one removed. */
export async function saveFacts(client: Api, ws: string, contracts: Contracts, content: string, previous: string | null) {
  const ingest = contractTool(contracts, 'memory', 'memory_ingest');
  const remove = contractTool(contracts, 'memory', 'memory_delete_document');
  if (!ingest) return { error: 'No enabled plugin provides memory here.', code: 'NH_CONTRACT_MISSING' };
  if (content) {
    const r = await callCapability<{ documentId: string }>(client, ws, ingest, {
      title: 'Product facts',
      content,
      collection: FACTS_COLLECTION,
    });
    if (!r.output) return r;
    if (remove && previous && previous !== r.output.documentId) await callCapability(client, ws, remove, { documentId: previous });
    return r;
  }
  if (previous && remove) return callCapability(client, ws, remove, { documentId: previous });
  return { output: {} };
}
