import { describe, expect, it } from 'vitest';
import {
  channelTools,
  connectorChannels,
  contractOffers,
  contractTool,
  NETWORKS,
  NO_CONTRACTS,
  networkName,
  providerOf,
} from './capabilities';

const plugins = [
  {
    id: 'governance',
    kind: 'capability',
    tools: [
      { name: 'governance:get_policy', sideEffect: 'read' },
      { name: 'governance:set_policy', sideEffect: 'write' },
    ],
  },
  { id: 'connector-social-sandbox', kind: 'connector', tools: [{ name: 'connector-social-sandbox:post', sideEffect: 'external' }] },
  { id: 'connector-resend', kind: 'connector', connector: { channels: ['email'] }, tools: [{ name: 'send', sideEffect: 'external' }] },
  { id: 'agent-social', kind: 'agent', tools: [{ name: 'agent-social:publish', sideEffect: 'external' }] },
];

describe('capabilities', () => {
  it("calls a contract's tool by its contract name on whichever plugin the host resolved, else none", () => {
    const contracts = {
      ...NO_CONTRACTS,
      calendar: { plugin: 'acme-planner', tools: { list_entries: 'acme-planner:agenda', schedule: 'acme-planner:plan_post' } },
    };
    expect(contractTool(contracts, 'calendar', 'schedule')).toBe('acme-planner:plan_post');
    expect(contractTool(contracts, 'calendar', 'list_entries')).toBe('acme-planner:agenda');
    expect(providerOf(contracts, 'calendar')).toBe('acme-planner');
    expect(contractTool(contracts, 'content', 'list_drafts')).toBeNull();
    expect(providerOf(contracts, 'content')).toBeNull();
  });

  it('places connectors on channels from the manifest block, else from their id and channel tool; agents on none', () => {
    expect(connectorChannels(plugins[2]!)).toEqual(['email']);
    expect(connectorChannels(plugins[1]!)).toEqual(['social']);
    expect(connectorChannels(plugins[3]!)).toEqual([]);
    expect(channelTools(plugins)).toEqual({ social: ['connector-social-sandbox:post'], email: ['connector-resend:send'] });
  });
});

describe('contractOffers', () => {
  it('lists, per contract, the installed plugins that provide it, enabled first, from their manifests', () => {
    const offers = contractOffers([
      { id: 'gatekeeper', name: 'Gatekeeper', enabled: false, provides: ['policy', 'approvals'] },
      { id: 'governance', name: 'Governance', enabled: true, provides: ['policy', 'approvals', 'consent'] },
      { id: 'agent-seo', name: 'SEO agent', enabled: true },
    ]);
    expect(offers.policy?.map((o) => o.id)).toEqual(['governance', 'gatekeeper']);
    expect(offers.consent).toEqual([{ id: 'governance', name: 'Governance', enabled: true }]);
    expect(offers.content).toBeUndefined();
  });
});

describe("the networks' names, from one place", () => {
  it('spells each network as the network does, never its lowercase id', () => {
    expect(['x', 'twitter', 'linkedin', 'bluesky', 'mastodon', 'facebook', 'instagram'].map(networkName)).toEqual([
      'X',
      'X',
      'LinkedIn',
      'Bluesky',
      'Mastodon',
      'Facebook',
      'Instagram',
    ]);
    for (const n of NETWORKS) expect(networkName(n)).not.toBe(n);
    // a network the console does not know yet: capitalised, not lowercase
    expect(networkName('pixelfed')).toBe('Pixelfed');
  });
});
