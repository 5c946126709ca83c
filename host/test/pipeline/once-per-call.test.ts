import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PluginManifestSchema } from '@neonhub/schemas';
import { toolDefinitionOf } from '@neonhub/sdk/host';
import pino from 'pino';
import { describe, expect, it, vi } from 'vitest';
import { createCallTool, type PipelineDeps } from '../../src/pipeline/call-tool.js';
import { createHookChain } from '../../src/pipeline/hooks.js';
import { createToolRegistry, type LoadedPlugin } from '../../src/registry.js';
import { createInProcessRuntime } from '../../src/runtimes/in-process.js';
import type { Invocation, PluginRuntime } from '../../src/runtimes/types.js';
import { createMemoryWorkspaces } from '../mcp/fixtures/workspaces.js';
import once, { shoutInput } from './fixtures/once/index.js';

/**
 * One call, one input check, one output check, one workspace lookup: counted with spies on the real pipeline,
 * registry and in-process runtime (and on a runtime without a decoder, which the host checks by JSON Schema).
 */
const here = dirname(fileURLToPath(import.meta.url));
const logger = pino({ level: 'silent' });
const actor = { type: 'user' as const, id: 'u1', role: 'owner' as const };

async function setup() {
  const manifest = PluginManifestSchema.parse({
    id: 'once',
    version: '1.0.0',
    kind: 'agent',
    description: 'once-per-call fixture',
    host: '^0.2.0',
    runtime: { type: 'module', entry: 'index.ts' },
    tools: once.tools.map(toolDefinitionOf),
  });
  const dir = join(here, 'fixtures/once');
  const runtime = createInProcessRuntime({ manifest, dir, cacheDir: join(here, '.cache'), logger });
  await runtime.start();
  const registry = createToolRegistry();
  registry.addPlugin({ manifest, dir, runtime, isolation: 'in-process', firstParty: true }, manifest.tools);
  const workspaces = createMemoryWorkspaces(['acme']);
  workspaces.enable('acme', 'once');
  const resolve = vi.spyOn(workspaces.access, 'resolve');
  const hooks = createHookChain(logger);
  const before = vi.fn(async () => undefined);
  hooks.register({ pluginId: 'watcher', priority: {}, hooks: { beforeToolCall: before }, context: async () => ({}) as never });
  const deps: PipelineDeps = { registry, hooks, workspaces: { ...workspaces.access, isEnabled: () => true }, logger };
  deps.workspaces.resolve = resolve as unknown as PipelineDeps['workspaces']['resolve'];
  const callTool = createCallTool(deps);
  const spies = Object.fromEntries(
    ['once:shout', 'once:relay'].flatMap((name) => {
      const tool = registry.get(name);
      return [
        [`${name} input`, vi.spyOn(tool, 'validateInput')],
        [`${name} output`, vi.spyOn(tool, 'validateOutput')],
      ];
    }),
  );
  const zodParses = vi.spyOn(shoutInput, 'safeParse');
  zodParses.mockClear(); // the schema is the module's: one spy across the tests
  const invoke = vi.spyOn(runtime, 'invoke');
  return { callTool, resolve, before, spies, zodParses, invoke, workspace: workspaces.get('acme') };
}

describe('one validation and one workspace lookup per call', () => {
  it('a module tool: its zod schema checks and decodes the input once, the JSON Schema check is not repeated', async () => {
    const { callTool, resolve, spies, zodParses, invoke } = await setup();
    const r = await callTool({ workspace: 'acme', tool: 'once:shout', input: { text: 'hi' }, actor });
    expect(r).toMatchObject({ status: 'ok', output: { said: 'HI HI' } }); // the transform and the default reached run
    expect(resolve).toHaveBeenCalledTimes(1);
    expect(spies['once:shout input']).toHaveBeenCalledTimes(1);
    expect(spies['once:shout output']).toHaveBeenCalledTimes(1);
    expect(zodParses).toHaveBeenCalledTimes(1);
    expect(invoke.mock.calls[0]![0]).toMatchObject({ decoded: true, input: { text: 'HI', times: 2 } });
  });

  it('a nested call (ctx.callTool) reuses the workspace its caller resolved; each call checks its input once', async () => {
    const { callTool, resolve, spies, zodParses, before } = await setup();
    const r = await callTool({ workspace: 'acme', tool: 'once:relay', input: { text: 'yo' }, actor });
    expect(r).toMatchObject({ status: 'ok', output: { relayed: 'YO YO' } });
    expect(resolve).toHaveBeenCalledTimes(1); // two pipeline calls, one lookup
    expect(spies['once:relay input']).toHaveBeenCalledTimes(1);
    expect(spies['once:shout input']).toHaveBeenCalledTimes(1);
    expect(spies['once:relay output']).toHaveBeenCalledTimes(1);
    expect(spies['once:shout output']).toHaveBeenCalledTimes(1);
    expect(zodParses).toHaveBeenCalledTimes(1);
    expect(before).toHaveBeenCalledTimes(2);
  });

  it('a caller holding the resolved workspace passes it and the pipeline looks nothing up', async () => {
    const { callTool, resolve, workspace } = await setup();
    await expect(callTool({ workspace, tool: 'once:shout', input: { text: 'ok' }, actor })).resolves.toMatchObject({ status: 'ok' });
    expect(resolve).not.toHaveBeenCalled();
  });

  it('a refinement the JSON Schema cannot say is refused before any hook runs, with the field in JSON Pointer form', async () => {
    const { callTool, before, invoke, zodParses } = await setup();
    await expect(callTool({ workspace: 'acme', tool: 'once:shout', input: { text: 'x'.repeat(30) }, actor })).rejects.toMatchObject({
      code: 'NH_TOOL_INPUT_INVALID',
      message: expect.stringContaining('too loud'),
      details: { tool: 'once:shout', issues: [{ path: '/', message: expect.stringContaining('too loud') }] },
    });
    await expect(callTool({ workspace: 'acme', tool: 'once:shout', input: { text: 3 }, actor })).rejects.toMatchObject({
      code: 'NH_TOOL_INPUT_INVALID',
      details: { issues: [{ path: '/text' }] },
    });
    expect(zodParses).toHaveBeenCalledTimes(2);
    expect(before).not.toHaveBeenCalled();
    expect(invoke).not.toHaveBeenCalled();
  });

  it('a runtime without a decoder (isolated, outside MCP) is checked once by its JSON Schema and runs the checked input', async () => {
    const calls: Invocation[] = [];
    const runtime = {
      kind: 'isolated',
      status: 'ready',
      invoke: async (call: Invocation) => {
        calls.push(call);
        return { ok: true };
      },
    } as unknown as PluginRuntime;
    const registry = createToolRegistry();
    registry.addPlugin({ manifest: { id: 'iso', secrets: [] }, runtime } as unknown as LoadedPlugin, [
      {
        name: 'go',
        description: 'goes',
        sideEffect: 'none',
        inputSchema: { type: 'object', properties: { n: { type: 'integer' } }, required: ['n'] },
        outputSchema: { type: 'object', properties: { ok: { type: 'boolean' } }, required: ['ok'] },
      },
    ]);
    const tool = registry.get('iso:go');
    const input = vi.spyOn(tool, 'validateInput');
    const output = vi.spyOn(tool, 'validateOutput');
    const resolve = vi.fn(async () => ({ id: 'w1', slug: 'acme' }));
    const workspaces = {
      resolve,
      isEnabled: () => true,
      getConfig: async () => ({}),
      getSecret: async () => undefined,
      store: () => ({}),
      llm: () => ({}),
    } as unknown as PipelineDeps['workspaces'];
    const callTool = createCallTool({ registry, hooks: createHookChain(logger), workspaces, logger });
    await expect(callTool({ workspace: 'acme', tool: 'iso:go', input: { n: 1 }, actor })).resolves.toMatchObject({ status: 'ok' });
    await expect(callTool({ workspace: 'acme', tool: 'iso:go', input: { n: 'one' }, actor })).rejects.toMatchObject({
      code: 'NH_TOOL_INPUT_INVALID',
      details: { issues: [{ path: '/n', message: 'must be integer' }] },
    });
    expect(input).toHaveBeenCalledTimes(2);
    expect(output).toHaveBeenCalledTimes(1);
    expect(resolve).toHaveBeenCalledTimes(2);
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatchObject({ input: { n: 1 }, decoded: true });
  });
});
