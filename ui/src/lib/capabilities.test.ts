import { describe, expect, it } from 'vitest';
import { channelTools, connectorChannels, findTool } from './capabilities';

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
  it('finds a tool by its own name whether the list qualifies names or not', () => {
    expect(findTool(plugins, 'set_policy')).toBe('governance:set_policy');
    expect(findTool(plugins, 'nope')).toBeNull();
  });

  it('places connectors on channels from the manifest block, else from their id and channel tool; agents on none', () => {
    expect(connectorChannels(plugins[2]!)).toEqual(['email']);
    expect(connectorChannels(plugins[1]!)).toEqual(['social']);
    expect(connectorChannels(plugins[3]!)).toEqual([]);
    expect(channelTools(plugins)).toEqual({ social: ['connector-social-sandbox:post'], email: ['connector-resend:send'] });
  });
});
