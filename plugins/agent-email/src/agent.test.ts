import { describe, expect, it } from 'vitest';
import { emailAgent } from './agent.js';
import plugin from './index.js';

describe('agent definition', () => {
  it('allows exactly the tools this plugin defines, qualified', () => {
    expect([...emailAgent.allowedTools].sort()).toEqual(plugin.tools.map((t) => `agent-email:${t.name}`).sort());
    expect(emailAgent.instructions).toContain('agent-email:send');
  });
});
