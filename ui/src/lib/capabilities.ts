import type { Contract, ContractProviders } from '@neonhub/schemas';

/**
 * What the console calls on plugins, by contract (issue 18: the console names no plugin tool). The host resolves,
 * per workspace, the enabled plugin providing each contract — content studio, calendar, campaigns, memory, policy,
 * approvals — with the contract's tools qualified on it (GET /api/workspaces/:ws/contracts, `workspaceContracts`);
 * pages ask for a contract's tool by its contract name. Which plugin serves a channel is read from the manifests
 * (`channelTools`).
 */
export type Contracts = ContractProviders;

/** No provider for any contract (the workspace's contracts could not be read). */
export const NO_CONTRACTS = {
  policy: null,
  approvals: null,
  consent: null,
  memory: null,
  content: null,
  calendar: null,
  campaigns: null,
  audit: null,
  usage: null,
} satisfies Contracts;

/**
 * The qualified tool (`plugin:tool`) serving the contract's tool `name` in the workspace, or null when no enabled
 * plugin provides the contract (or its provider does not offer that optional tool).
 */
export function contractTool(contracts: Contracts, contract: Contract, name: string): string | null {
  return contracts[contract]?.tools[name] ?? null;
}

/** The enabled plugin providing `contract`, or null. */
export const providerOf = (contracts: Contracts, contract: Contract): string | null => contracts[contract]?.plugin ?? null;

/** The social networks agent-social posts to (its `network` enum). */
export const NETWORKS = ['linkedin', 'x', 'facebook', 'instagram'] as const;
export type Network = (typeof NETWORKS)[number];
/** The networks' own names, the one place the console spells them (a network id not here: capitalised). */
export const NETWORK_LABEL: Record<string, string> = {
  x: 'X',
  twitter: 'X',
  linkedin: 'LinkedIn',
  facebook: 'Facebook',
  instagram: 'Instagram',
  bluesky: 'Bluesky',
  mastodon: 'Mastodon',
  threads: 'Threads',
  tiktok: 'TikTok',
  youtube: 'YouTube',
};
/** "linkedin" -> "LinkedIn", "twitter" -> "X", "bluesky" -> "Bluesky"; an unknown id capitalised. */
export const networkName = (n: string): string => NETWORK_LABEL[n] ?? (n ? n[0]!.toUpperCase() + n.slice(1) : n);

/** The connector contract's channels and the tool each channel's connectors deliver with (core/sdk ChannelRoute). */
export const CHANNEL_TOOL: Record<string, string> = { email: 'send', sms: 'send', chat: 'post', social: 'post', crm: 'upsert_contacts' };
export const CHANNEL_LABEL: Record<string, string> = {
  email: 'E-mails',
  sms: 'Text messages (SMS)',
  chat: 'Chat messages (Slack, Discord)',
  social: 'Social posts',
  crm: 'CRM updates',
};

/** A tool's own name: the workspace plugin list qualifies them (`plugin:tool`), manifests do not. */
const own = (name: string) => name.slice(name.indexOf(':') + 1);

interface PluginLike {
  id: string;
  kind: string;
  enabled?: boolean;
  tools: { name: string; sideEffect: string }[];
  connector?: { channels?: string[] } | null;
}

/**
 * The channels of a connector plugin: its manifest's `connector.channels`; a connector without that block
 * (an older manifest) is placed by the channel tool it offers and its id (`connector-social-…` → social).
 */
export function connectorChannels(p: PluginLike): string[] {
  if (p.kind !== 'connector') return [];
  if (p.connector?.channels?.length) return p.connector.channels;
  return Object.keys(CHANNEL_TOOL).filter((c) => p.id.includes(`-${c}`) && p.tools.some((t) => own(t.name) === CHANNEL_TOOL[c]));
}

/** Qualified delivery tools per channel across the given (enabled) connector plugins. */
export function channelTools(plugins: PluginLike[]): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const p of plugins)
    for (const c of connectorChannels(p)) {
      const tool = p.tools.find((t) => own(t.name) === CHANNEL_TOOL[c]);
      if (tool) out[c] = [...(out[c] ?? []), `${p.id}:${own(tool.name)}`];
    }
  return out;
}

/** What each contract gives a marketer, in words (the console names a capability, never a plugin id). */
export const CONTRACT_WORDS: Record<Contract, string> = {
  policy: 'approval rules, consent and frequency caps',
  approvals: 'approvals',
  consent: 'consent records',
  memory: 'the workspace memory (the brand kit is kept there)',
  content: 'drafting content',
  calendar: 'scheduling and publishing posts',
  campaigns: 'campaigns',
  audit: 'the audit trail',
  usage: 'usage and footprint',
};

/** An installed plugin that provides a contract, as the "not available here" hint offers it. */
export interface ContractOffer {
  id: string;
  name: string;
  enabled: boolean;
}

/** For each contract, the installed plugins providing it (from their manifests), enabled ones first. */
export function contractOffers(
  plugins: readonly { id: string; name: string; enabled: boolean; provides?: readonly string[] }[],
): Partial<Record<Contract, ContractOffer[]>> {
  const out: Partial<Record<Contract, ContractOffer[]>> = {};
  for (const p of plugins)
    for (const c of (p.provides ?? []) as Contract[]) out[c] = [...(out[c] ?? []), { id: p.id, name: p.name, enabled: p.enabled }];
  for (const list of Object.values(out)) list.sort((a, b) => Number(b.enabled) - Number(a.enabled) || a.name.localeCompare(b.name));
  return out;
}
