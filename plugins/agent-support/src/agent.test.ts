import { describe, expect, it } from 'vitest';
import { supportAgent } from './agent.js';
import plugin from './index.js';

describe('agent definition', () => {
  it('allows exactly the tools this plugin defines, qualified', () => {
    expect([...supportAgent.allowedTools].sort()).toEqual(plugin.tools.map((t) => `agent-support:${t.name}`).sort());
    expect(supportAgent.instructions).toContain('agent-support:escalation');
  });
});
