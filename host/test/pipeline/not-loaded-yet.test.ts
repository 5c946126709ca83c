import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { createCallTool, type PipelineDeps } from '../../src/pipeline/call-tool.js';
import { createHookChain } from '../../src/pipeline/hooks.js';
import { createToolRegistry } from '../../src/registry.js';

/** A call to a tool whose plugin has not loaded (yet) says why, instead of a bare NH_TOOL_NOT_FOUND. */
const logger = pino({ level: 'silent' });
const workspaces = { resolve: async () => ({ id: 'w1', slug: 'acme' }) } as unknown as PipelineDeps['workspaces'];
const actor = { type: 'user' as const, id: 'u1', role: 'owner' as const };

function pipeline(states: Record<string, { status: string; error?: { code: string; message: string }; retryAt?: string }>) {
  return createCallTool({
    registry: createToolRegistry(),
    hooks: createHookChain(logger),
    workspaces,
    logger,
    pluginState: (id) => states[id],
  });
}

describe('a tool of a plugin that is not loaded', () => {
  const call = (p: ReturnType<typeof pipeline>, tool: string) => p({ workspace: 'acme', tool, input: {}, actor });

  it('still starting: NH_PLUGIN_UNAVAILABLE (503, retry) saying so', async () => {
    await expect(call(pipeline({ 'data-trust': { status: 'starting' } }), 'data-trust:verify')).rejects.toMatchObject({
      code: 'NH_PLUGIN_UNAVAILABLE',
      status: 503,
      message:
        'data-trust:verify cannot be called yet: plugin data-trust is still starting (starting); try again in a moment (GET /health lists the plugins still starting)',
    });
  });

  it('failed or retrying: the reason of the failure', async () => {
    const error = { code: 'NH_PLUGIN_LOAD_FAILED', message: 'MCP server of memory (node) did not start' };
    await expect(call(pipeline({ memory: { status: 'failed', error } }), 'memory:memory_search')).rejects.toMatchObject({
      code: 'NH_PLUGIN_UNAVAILABLE',
      message:
        'memory:memory_search cannot be called yet: plugin memory did not load: NH_PLUGIN_LOAD_FAILED MCP server of memory (node) did not start',
    });
    await expect(
      call(pipeline({ memory: { status: 'retrying', error, retryAt: '2026-12-06T03:00:00.000Z' } }), 'memory:memory_search'),
    ).rejects.toMatchObject({ message: expect.stringContaining('and retries at 2026-12-06T03:00:00.000Z') });
  });

  it('no such plugin (or it is ready and has no such tool): NH_TOOL_NOT_FOUND as before', async () => {
    await expect(call(pipeline({}), 'nosuch:tool')).rejects.toMatchObject({ code: 'NH_TOOL_NOT_FOUND' });
    await expect(call(pipeline({ eco: { status: 'ready' } }), 'eco:nope')).rejects.toMatchObject({ code: 'NH_TOOL_NOT_FOUND' });
  });
});
