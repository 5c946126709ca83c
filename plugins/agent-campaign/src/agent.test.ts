import { describe, expect, it } from 'vitest';
import { campaignAgent } from './agent.js';
import plugin from './index.js';

describe('agent definition', () => {
  it('allows exactly the tools this plugin defines, qualified', () => {
    expect([...campaignAgent.allowedTools].sort()).toEqual(plugin.tools.map((t) => `agent-campaign:${t.name}`).sort());
    expect(campaignAgent.instructions).toContain('agent-campaign:allocate_budget');
  });
});
