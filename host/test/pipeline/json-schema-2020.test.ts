import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createCallTool, type PipelineDeps } from '../../src/pipeline/call-tool.js';
import { createHookChain } from '../../src/pipeline/hooks.js';
import { createToolRegistry, type LoadedPlugin } from '../../src/registry.js';

/** Tool schemas are the 2020-12 JSON Schema zod emits: the pipeline enforces its keywords instead of ignoring them. */
const logger = pino({ level: 'silent' });
const workspaces = {
  resolve: async () => ({ id: 'w1', slug: 'acme' }),
  isEnabled: () => true,
} as unknown as PipelineDeps['workspaces'];
const actor = { type: 'user' as const, id: 'u1', role: 'owner' as const };

describe('a tool input schema using 2020-12 keywords', () => {
  const registry = createToolRegistry();
  const inputSchema = z.toJSONSchema(
    z.object({ point: z.tuple([z.number(), z.number()]), card: z.string().optional(), address: z.string().optional() }),
  ) as Record<string, unknown>;
  registry.addPlugin({ manifest: { id: 'geo' }, runtime: {} } as unknown as LoadedPlugin, [
    { name: 'plot', description: 'plots', inputSchema: { ...inputSchema, dependentRequired: { card: ['address'] } }, sideEffect: 'none' },
  ]);
  const call = createCallTool({ registry, hooks: createHookChain(logger), workspaces, logger });
  const invalid = (input: unknown) => call({ workspace: 'acme', tool: 'geo:plot', input, actor });

  it('enforces prefixItems (a zod tuple) and dependentRequired before anything runs', async () => {
    expect(inputSchema).toHaveProperty('properties.point.prefixItems');
    await expect(invalid({ point: ['x', 1] })).rejects.toMatchObject({
      code: 'NH_TOOL_INPUT_INVALID',
      details: { issues: [{ path: '/point/0', message: 'must be number' }] },
    });
    await expect(invalid({ point: [1, 2], card: '4242' })).rejects.toMatchObject({
      code: 'NH_TOOL_INPUT_INVALID',
      details: { issues: [{ path: '/', message: expect.stringContaining('address') }] },
    });
  });
});
