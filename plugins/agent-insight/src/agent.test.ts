import { describe, expect, it } from 'vitest';
import { insightAgent } from './agent.js';
import plugin from './index.js';

describe('agent definition', () => {
  it('allows exactly the tools this plugin defines, qualified', () => {
    expect([...insightAgent.allowedTools].sort()).toEqual(plugin.tools.map((t) => `agent-insight:${t.name}`).sort());
    expect(insightAgent.instructions).toContain('agent-insight:forecast');
  });
});
