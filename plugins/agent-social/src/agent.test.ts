import { describe, expect, it } from 'vitest';
import { socialAgent } from './agent.js';
import plugin from './index.js';

describe('agent definition', () => {
  it('allows exactly the tools this plugin defines, qualified', () => {
    expect([...socialAgent.allowedTools].sort()).toEqual(plugin.tools.map((t) => `agent-social:${t.name}`).sort());
    expect(socialAgent.instructions).toContain('agent-social:publish');
  });
});
