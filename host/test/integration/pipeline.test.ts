import { join, resolve } from 'node:path';
import type { NeonHubError } from '@neonhub/schemas';
import { syncPluginDir } from '@neonhub/sdk/host';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Host } from '../../src/host.js';
import { bootHost, lockRoot, makeRoot, removeRoot, runtimeFixtures, writePlugin } from './helpers.js';

/**
 * The approvals contract's four tools, answering for one approval (a hook that holds calls must provide the
 * contract, or the pipeline refuses the hold: nobody could decide it).
 */
const APPROVALS_TOOLS = `
    ...['list_approvals', 'get_approval', 'approve', 'reject'].map((name) =>
      defineTool({
        name,
        description: 'Approvals contract (test): knows one approval, appr-1.',
        input: z.object({}).passthrough(),
        output: z.object({}).passthrough(),
        sideEffect: name === 'list_approvals' || name === 'get_approval' ? 'read' : 'write',
        run: async () => ({}),
      }),
    ),`;

/** Hook plugins that write what they see to a shared log, to test the chain's order and outcomes. */
function hookPlugin(id: string, priority: number, behaviour: string, opts: { approvals?: boolean } = {}) {
  return {
    'plugin.json': JSON.stringify({
      id,
      version: '0.1.0',
      kind: 'capability',
      description: `Test hook plugin ${id}`,
      host: '^0.2.0',
      runtime: { type: 'module', entry: 'src/index.ts' },
      ...(opts.approvals
        ? {
            provides: ['approvals'],
            tools: ['list_approvals', 'get_approval', 'approve', 'reject'].map((name) => ({
              name,
              description: 'Approvals contract (test): knows one approval, appr-1.',
              inputSchema: { type: 'object' },
            })),
          }
        : {}),
      hooks: [
        { event: 'beforeToolCall', priority },
        { event: 'afterToolCall', priority },
      ],
    }),
    'package.json': JSON.stringify({ name: `@test/${id}`, version: '0.1.0', type: 'module' }),
    'src/index.ts': `
import { definePlugin, defineTool } from '@neonhub/sdk';
import { z } from 'zod';
const log = ((globalThis as any).__nhHookLog ??= []) as string[];
export default definePlugin({
  id: '${id}',
  tools: [${opts.approvals ? APPROVALS_TOOLS : ''}],
  hooks: {
    beforeToolCall(event) {
      log.push('before:${id}');
      const text = String((event.input as any)?.text ?? '');
      ${behaviour}
      return { action: 'allow' };
    },
    afterToolCall(event) {
      log.push('after:${id}:' + event.status);
    },
  },
});
`,
  };
}

const hookLog = () => ((globalThis as { __nhHookLog?: string[] }).__nhHookLog ??= []);

let host: Host;
let root: string;
const operator = { type: 'user' as const, id: 'tester', role: 'owner' as const };

beforeAll(async () => {
  root = makeRoot('pipeline', [{ from: join(runtimeFixtures, 'rt-basic') }, { from: join(runtimeFixtures, 'rt-other') }]);
  writePlugin(
    root,
    'hook-alpha',
    hookPlugin('hook-alpha', 50, "if (text === 'deny') return { action: 'deny', reason: 'alpha says no', code: 'NH_TEST_NO' };"),
  );
  writePlugin(root, 'hook-gamma', hookPlugin('hook-gamma', 50, "if (text === 'explode') throw new Error('gamma blew up');"));
  writePlugin(
    root,
    'hook-beta',
    hookPlugin(
      'hook-beta',
      10,
      "if (text === 'approve') return { action: 'approval', reason: 'beta wants a human', approvalId: 'appr-1' };",
      { approvals: true },
    ),
  );
  await syncPluginDir(join(root, 'plugins/hook-beta')); // plugin.json's tools from the code
  writePlugin(root, 'mcp-memory', {
    'plugin.json': JSON.stringify({
      id: 'mcp-memory',
      version: '2026.8.31',
      kind: 'capability',
      description: 'The reference MCP memory server from npm, mounted over stdio',
      host: '^0.2.0',
      runtime: {
        type: 'mcp-stdio',
        command: 'node',
        args: [resolve(import.meta.dirname, '../../../node_modules/@modelcontextprotocol/server-memory/dist/index.js')],
        env: ['MEMORY_FILE_PATH'],
      },
    }),
  });
  writePlugin(root, 'store-probe', {
    'plugin.json': JSON.stringify({
      id: 'store-probe',
      version: '0.1.0',
      kind: 'capability',
      description: 'A tool that declares read but may try to write, and one that writes',
      host: '^0.2.0',
      runtime: { type: 'module', entry: 'src/index.ts' },
    }),
    'package.json': JSON.stringify({ name: '@test/store-probe', version: '0.1.0', type: 'module' }),
    'src/index.ts': `
import { definePlugin, defineTool } from '@neonhub/sdk';
import { z } from 'zod';
export default definePlugin({
  id: 'store-probe',
  tools: [
    defineTool({
      name: 'peek',
      description: 'Reads the kept value; writes too when asked, which it declares it does not.',
      input: z.object({ write: z.boolean() }),
      output: z.object({ value: z.unknown() }),
      sideEffect: 'read',
      run: async ({ write }, ctx) => {
        if (write) await ctx.store.put('c', 'k', 'peeked');
        return { value: (await ctx.store.get('c', 'k'))?.value ?? null };
      },
    }),
    defineTool({
      name: 'keep',
      description: 'Keeps a value.',
      input: z.object({ value: z.string() }),
      output: z.object({ version: z.number() }),
      sideEffect: 'write',
      run: async ({ value }, ctx) => ({ version: await ctx.store.put('c', 'k', value) }),
    }),
  ],
});
`,
  });
  await syncPluginDir(join(root, 'plugins/store-probe')); // plugin.json's tools from the code
  process.env.MEMORY_FILE_PATH = join(root, 'memory.jsonl');
  // rt-other runs isolated (child process under Node's permission model); the rest in-process.
  await lockRoot(root, { isolation: { 'rt-other': 'isolated' } });
  // The outside server's tools are only known once connected: lock again with them, as `neonhub plugin lock` does.
  const probe = await bootHost(root);
  const memoryTools = await probe.registry.plugin('mcp-memory')!.runtime.listTools();
  await probe.close();
  await lockRoot(root, { isolation: { 'rt-other': 'isolated' }, extraTools: { 'mcp-memory': memoryTools } });

  host = await bootHost(root);
  const ws = host.storage.service;
  await ws.createWorkspace({ slug: 'acme' });
  await ws.createWorkspace({ slug: 'beta-co' });
  await ws.createWorkspace({ slug: 'plain' });
  for (const id of ['rt-basic', 'rt-other', 'hook-alpha', 'hook-beta', 'hook-gamma', 'mcp-memory', 'store-probe'])
    await ws.enablePlugin('acme', id);
  await ws.enablePlugin('plain', 'rt-basic');
}, 120_000);

afterAll(async () => {
  await host?.close();
  removeRoot(root);
});

const call = (tool: string, input: unknown, workspace = 'acme') => host.callTool({ workspace, tool, input, actor: operator });
const codeOf = async (p: Promise<unknown>) => {
  try {
    await p;
  } catch (err) {
    return (err as NeonHubError).code;
  }
  return 'resolved';
};

describe('the call pipeline', () => {
  it('loads every plugin, in-process, isolated and an outside MCP server, with no problems', () => {
    expect(host.problems.map((p) => `${p.id}: ${p.error.code}`)).toEqual([]);
    expect(host.registry.plugins().map((p) => `${p.manifest.id}:${p.isolation}`)).toEqual([
      'hook-alpha:in-process',
      'hook-beta:in-process',
      'hook-gamma:in-process',
      'mcp-memory:mcp',
      'rt-basic:in-process',
      'rt-other:isolated',
      'store-probe:in-process',
    ]);
  });

  it('runs a tool with the workspace, actor and an idempotency key in its context, and records the call', async () => {
    const result = await call('rt-basic:echo', { text: 'hi' });
    expect(result.status).toBe('ok');
    if (result.status !== 'ok') return;
    expect(result.output).toMatchObject({
      text: 'hi',
      workspace: 'acme',
      actor: 'tester',
      callId: result.callId,
      idempotencyKey: result.callId,
    });
    const again = await host.callTool({
      workspace: 'acme',
      tool: 'rt-basic:echo',
      input: { text: 'x' },
      actor: operator,
      idempotencyKey: 'retry-1',
    });
    expect(again.status === 'ok' && (again.output as { idempotencyKey: string }).idempotencyKey).toBe('retry-1');
    // the call log is written behind the call path: wait for it to land (not for a time sized for a quiet machine)
    const ws = await host.storage.service.resolveWorkspace('acme');
    await vi.waitFor(
      async () => {
        const recent = await host.storage.repos.toolCalls.listRecent(ws.id, { limit: 50 });
        expect(recent.some((c) => c.callId === result.callId && c.status === 'ok' && c.tool === 'rt-basic:echo')).toBe(true);
      },
      { timeout: 20_000, interval: 50 },
    );
  });

  it('calls an isolated plugin and an outside MCP server (@modelcontextprotocol/server-memory) through the same pipeline', async () => {
    const ping = await call('rt-other:ping', { n: 7 });
    expect(ping).toMatchObject({ status: 'ok', output: { pong: 7 } });
    const created = await call('mcp-memory:create_entities', {
      entities: [{ name: 'Spring sale', entityType: 'campaign', observations: ['starts in March'] }],
    });
    expect(created.status).toBe('ok');
    const graph = await call('mcp-memory:read_graph', {});
    expect(JSON.stringify(graph.status === 'ok' && graph.output)).toContain('Spring sale');
  });

  it('gives a tool that declares no side effect a read-only store: a write is refused with a code, nothing written', async () => {
    expect(await call('store-probe:keep', { value: 'kept' })).toMatchObject({ status: 'ok', output: { version: 1 } });
    expect(await call('store-probe:peek', { write: false })).toMatchObject({ status: 'ok', output: { value: 'kept' } });
    const refused = await call('store-probe:peek', { write: true }).then(
      () => undefined,
      (err: NeonHubError) => err,
    );
    expect(refused?.code).toBe('NH_TOOL_FAILED');
    expect(refused?.details).toMatchObject({ code: 'NH_SDK_STORE_READ_ONLY' });
    expect(await call('store-probe:peek', { write: false })).toMatchObject({ status: 'ok', output: { value: 'kept' } });
  });

  it('refuses a tool whose plugin is not enabled in the workspace', async () => {
    expect(await codeOf(call('rt-other:ping', { n: 1 }, 'beta-co'))).toBe('NH_TOOL_NOT_ENABLED');
    expect(await codeOf(call('rt-basic:echo', { text: 'x' }, 'beta-co'))).toBe('NH_TOOL_NOT_ENABLED');
    expect(await codeOf(call('rt-basic:echo', { text: 'x' }, 'nowhere'))).toBe('NH_WORKSPACE_NOT_FOUND');
    expect(await codeOf(call('rt-basic:nope', {}))).toBe('NH_TOOL_NOT_FOUND');
  });

  it('gives a plugin its secret only in the workspace that stored it', async () => {
    await host.storage.service.setSecret('acme', 'rt-basic', 'API_TOKEN', 'tok-acme');
    const a = await call('rt-basic:secret', { name: 'API_TOKEN' });
    const b = await call('rt-basic:secret', { name: 'API_TOKEN' }, 'plain');
    expect(a.status === 'ok' && a.output).toMatchObject({ value: 'tok-acme' });
    expect(b.status === 'ok' && b.output).not.toMatchObject({ value: 'tok-acme' });
    // an undeclared name is the same error in-process as isolated (core/sdk undeclaredSecret)
    await expect(call('rt-basic:secret', { name: 'NOT_DECLARED' })).rejects.toMatchObject({
      code: 'NH_SDK_SECRET_UNDECLARED',
      status: 400,
      message: expect.stringContaining('secret NOT_DECLARED is not declared in plugin rt-basic'),
    });
  });

  it('validates input before any hook or tool runs', async () => {
    hookLog().length = 0;
    const err = (await call('rt-basic:echo', { text: 42 }).catch((e) => e)) as NeonHubError;
    expect(err.code).toBe('NH_TOOL_INPUT_INVALID');
    expect(err.status).toBe(400);
    expect(JSON.stringify(err.details)).toContain('/text');
    expect(hookLog()).toEqual([]);
  });

  it('runs hooks in a deterministic order: priority, then plugin id; after-hooks see the outcome', async () => {
    hookLog().length = 0;
    await call('rt-basic:echo', { text: 'fine' });
    expect(hookLog()).toEqual([
      'before:hook-beta',
      'before:hook-alpha',
      'before:hook-gamma',
      'after:hook-beta:ok',
      'after:hook-alpha:ok',
      'after:hook-gamma:ok',
    ]);
    expect(host.hooks.order('beforeToolCall')).toEqual(['hook-beta', 'hook-alpha', 'hook-gamma']);
  });

  it('stops at the first deny, with its reason, and the tool does not run', async () => {
    hookLog().length = 0;
    const err = (await call('rt-basic:echo', { text: 'deny' }).catch((e) => e)) as NeonHubError;
    expect(err.code).toBe('NH_TOOL_DENIED');
    expect(err.status).toBe(403);
    expect(err.details).toMatchObject({ plugin: 'hook-alpha', reason: 'alpha says no', code: 'NH_TEST_NO' });
    expect(hookLog()).toEqual([
      'before:hook-beta',
      'before:hook-alpha',
      'after:hook-beta:denied',
      'after:hook-alpha:denied',
      'after:hook-gamma:denied',
    ]);
  });

  it('returns promptly with the approval id when a hook asks for approval', async () => {
    const result = await call('rt-basic:echo', { text: 'approve' });
    expect(result).toMatchObject({ status: 'pending_approval', approvalId: 'appr-1', reason: 'beta wants a human', plugin: 'hook-beta' });
  });

  it('fails closed when a before-hook throws, naming the hook', async () => {
    const err = (await call('rt-basic:echo', { text: 'explode' }).catch((e) => e)) as NeonHubError;
    expect(err.code).toBe('NH_HOOK_FAILED');
    expect(err.details).toMatchObject({ plugin: 'hook-gamma', message: 'gamma blew up' });
  });

  it('applies hooks only in workspaces where their plugin is enabled', async () => {
    const result = await call('rt-basic:echo', { text: 'deny' }, 'plain');
    expect(result.status).toBe('ok');
  });

  it('turns a tool that throws or hangs into a coded error within its timeout', async () => {
    const boom = (await call('rt-basic:fail', {}).catch((e) => e)) as NeonHubError;
    expect(boom.code).toBe('NH_TOOL_FAILED'); // a plugin's internal error: 502, its own code kept in details
    expect(boom.details).toMatchObject({ plugin: 'rt-basic', code: 'NH_FIXTURE_BOOM' });
    expect(await codeOf(call('rt-basic:fail_plain', {}))).toBe('NH_TOOL_FAILED');
    // The call's own 300 ms deadline answered (its details name it), not a host default nor the tool (it never
    // settles): behaviour, not wall-clock speed (a stopwatch here failed on a loaded CI machine for no product reason).
    await expect(
      host.callTool({ workspace: 'acme', tool: 'rt-basic:hang', input: {}, actor: operator, timeoutMs: 300 }),
    ).rejects.toMatchObject({
      code: 'NH_TOOL_TIMEOUT',
      message: 'rt-basic:hang did not finish within 300 ms',
      details: { plugin: 'rt-basic', tool: 'hang', timeoutMs: 300 },
    });
    // the host keeps serving
    expect((await call('rt-other:ping', { n: 2 })).status).toBe('ok');
  });
});
