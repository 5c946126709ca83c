/**
 * The plugin tools the marketer pages (calendar, content studio, brand kit, policies) call, in one place
 * (issue 18: the console should name as few plugin tools as it can). Pages ask for a capability by
 * purpose; which plugin serves a channel is read from the manifests (`channelTools`), not named here.
 */
export const TOOLS = {
  content: {
    plugin: 'agent-content',
    list: 'agent-content:list_drafts',
    get: 'agent-content:get_draft',
    draft: 'agent-content:draft',
    diff: 'agent-content:diff',
    revise: 'agent-content:revise',
    check: 'agent-content:check_quality',
    attach: 'agent-content:attach_media',
    media: 'agent-content:list_media',
    image: 'agent-content:get_media',
  },
  social: {
    plugin: 'agent-social',
    calendar: 'agent-social:calendar',
    schedule: 'agent-social:schedule',
    update: 'agent-social:update_entry',
    cancel: 'agent-social:cancel',
    publish: 'agent-social:publish',
  },
  email: {
    plugin: 'agent-email',
    schedules: 'agent-email:list_schedules',
  },
  policy: {
    get: 'get_policy',
    set: 'set_policy',
  },
  campaign: {
    plugin: 'agent-campaign',
    list: 'agent-campaign:list_campaigns',
    get: 'agent-campaign:get_campaign',
  },
  memory: {
    plugin: 'memory',
    ingest: 'memory:memory_ingest',
    search: 'memory:memory_search',
    get: 'memory:memory_get_document',
    remove: 'memory:memory_delete_document',
  },
} as const;

/** The social networks agent-social posts to (its `network` enum). */
export const NETWORKS = ['linkedin', 'x', 'facebook', 'instagram'] as const;
export type Network = (typeof NETWORKS)[number];
export const NETWORK_LABEL: Record<string, string> = { x: 'X', linkedin: 'LinkedIn', facebook: 'Facebook', instagram: 'Instagram' };

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
  /** The contracts its manifest provides (policy, approvals, consent). */
  provides?: readonly string[];
}

/**
 * The approvals of calls held by the policy (the runs API decides a run's steps): the tools of the enabled plugin
 * providing the approvals contract (governance, or any replacement), from the workspace's plugin list; null without one.
 */
export function approvalsProvider(plugins: readonly PluginLike[]) {
  const p = plugins.find((x) => x.enabled !== false && x.provides?.includes('approvals'));
  return p ? { plugin: p.id, list: `${p.id}:list_approvals`, approve: `${p.id}:approve`, reject: `${p.id}:reject` } : null;
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

/** The enabled plugin offering a tool named `name` (e.g. the policy plugin's `set_policy`), qualified, or null. */
export function findTool(plugins: PluginLike[], name: string): string | null {
  const p = plugins.find((x) => x.enabled !== false && x.tools.some((t) => own(t.name) === name));
  return p ? `${p.id}:${name}` : null;
}
