import { describe, expect, it } from 'vitest';
import { contentAgent } from './agent.js';
import plugin from './index.js';

describe('agent definition', () => {
  it('allows exactly the tools this plugin defines, qualified', () => {
    expect([...contentAgent.allowedTools].sort()).toEqual(plugin.tools.map((t) => `agent-content:${t.name}`).sort());
    expect(contentAgent.instructions).toContain('agent-content:check_quality');
  });
});
