/**
 * Every MCP client configuration the console and docs/mcp.md show (ui/src/lib/mcp-configs.ts), started
 * as a client would start it, with the official SDK client, against a real `neonhub start`: tools listed,
 * a tool called. stdio configs are started from an unrelated directory (the bin finds its folder).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { LoggingMessageNotificationSchema, ToolListChangedNotificationSchema } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DOC_EXAMPLE, type McpClientConfig, mcpClientConfigs } from '../../../ui/src/lib/mcp-configs.js';
import { bin, cliEnv, type HostProcess, neonhub, repoRoot, startHostProcess, waitForPluginsStarted } from '../first-hour/host-process.js';

interface ServerEntry {
  command?: string;
  args?: string[];
  url?: string;
  headers?: Record<string, string>;
}

const dataDir = mkdtempSync(join(tmpdir(), 'nh-client-configs-'));
const elsewhere = mkdtempSync(join(tmpdir(), 'nh-client-cwd-'));
const env = cliEnv({ NEONHUB_DATA_DIR: dataDir });
let host: HostProcess;
let token: string;

/** The server entry of a config as the client reads it, with the client's variables filled in. */
function entryOf(config: McpClientConfig, workspace: string): ServerEntry {
  const parsed = JSON.parse(config.text) as { mcpServers?: Record<string, ServerEntry>; servers?: Record<string, ServerEntry> };
  const entry = (parsed.mcpServers ?? parsed.servers)?.[`neonhub-${workspace}`];
  if (!entry) throw new Error(`${config.id}: no server neonhub-${workspace}`);
  // biome-ignore lint/suspicious/noTemplateCurlyInString: the MCP client's own variable syntax, not a template
  const fill = (v: string) => v.replace('${env:NEONHUB_TOKEN}', token).replace('${input:neonhub-token}', token);
  return {
    ...entry,
    ...(entry.headers ? { headers: Object.fromEntries(Object.entries(entry.headers).map(([k, v]) => [k, fill(v)])) } : {}),
  };
}

async function connect(entry: ServerEntry): Promise<Client> {
  const client = new Client({ name: 'client-configs-test', version: '1.0.0' });
  const transport = entry.command
    ? new StdioClientTransport({ command: entry.command, args: entry.args ?? [], cwd: elsewhere, env, stderr: 'pipe' })
    : new StreamableHTTPClientTransport(new URL(entry.url!), { requestInit: { headers: entry.headers ?? {} } });
  await client.connect(transport, { timeout: 120_000 });
  return client;
}

/** Lists until the tool is there: plugins may still be joining (the client re-lists on list_changed). */
async function waitForTool(client: Client, name: string) {
  const until = Date.now() + 120_000;
  for (;;) {
    const { tools } = await client.listTools();
    if (tools.some((t) => t.name === name) || Date.now() > until) return tools.map((t) => t.name);
    await new Promise((r) => setTimeout(r, 250));
  }
}

async function listAndCall(client: Client) {
  expect(await waitForTool(client, 'agent-seo__analyze_page')).toContain('agent-seo__analyze_page');
  const result = await client.callTool({
    name: 'agent-seo__analyze_page',
    arguments: { text: 'Our spring sale starts today. Save on every plan.', keywords: ['spring sale'] },
  });
  expect(result.isError, JSON.stringify(result.content)).toBeFalsy();
  expect(result.structuredContent).toBeTypeOf('object');
}

const shown = () => mcpClientConfigs({ workspace: 'demo', mcpUrl: `${host.url}/mcp`, node: process.execPath, bin });

beforeAll(async () => {
  host = await startHostProcess({ env });
  await waitForPluginsStarted(host.url);
  const created = neonhub(env, repoRoot, 'token', 'create', '--workspace', 'demo', '--role', 'member', '--name', 'client-configs');
  expect(created.code, created.stderr).toBe(0);
  token = /\bnh_[A-Za-z0-9_-]{20,}/.exec(created.stdout)![0];
}, 600_000); // a hang guard: a host process, its plugins and a CLI token on a loaded 2-core CI machine

afterAll(async () => {
  await host?.stop();
  rmSync(dataDir, { recursive: true, force: true });
  rmSync(elsewhere, { recursive: true, force: true });
});

describe('MCP client configurations (console and docs/mcp.md)', () => {
  it('docs/mcp.md shows exactly the configurations the console renders', () => {
    const doc = readFileSync(join(repoRoot, 'docs/mcp.md'), 'utf8');
    for (const config of mcpClientConfigs(DOC_EXAMPLE)) expect(doc, config.id).toContain(`\`\`\`json\n${config.text}\n\`\`\``);
  });

  it.each(['stdio', 'vscode-stdio', 'cursor-http', 'vscode-http'])(
    '%s: started by the SDK client, lists and calls a tool',
    async (id) => {
      const config = shown().find((c) => c.id === id)!;
      const client = await connect(entryOf(config, 'demo'));
      try {
        await listAndCall(client);
      } finally {
        await client.close();
      }
    },
    120_000,
  );

  it('the stdio config while the host runs relays to it: a plugin disabled there leaves the list (list_changed)', async () => {
    const client = await connect(entryOf(shown()[0]!, 'demo'));
    try {
      const changed = new Promise<void>((resolve) =>
        client.setNotificationHandler(ToolListChangedNotificationSchema, async () => resolve()),
      );
      expect((await client.listTools()).tools.map((t) => t.name)).toContain('agent-seo__analyze_page');
      const off = neonhub(env, repoRoot, 'plugin', 'disable', 'agent-seo', '--workspace', 'demo');
      expect(off.code, off.stderr).toBe(0);
      await changed;
      expect((await client.listTools()).tools.map((t) => t.name)).not.toContain('agent-seo__analyze_page');
      expect(neonhub(env, repoRoot, 'plugin', 'enable', 'agent-seo', '--workspace', 'demo').code).toBe(0);
    } finally {
      await client.close();
    }
  }, 120_000);

  it('an unknown workspace over the relay is a coded JSON-RPC error, not a hang', async () => {
    const entry = entryOf(shown()[0]!, 'demo');
    const client = new Client({ name: 'client-configs-test', version: '1.0.0' });
    const transport = new StdioClientTransport({
      command: entry.command!,
      args: [bin, 'mcp', '--workspace', 'nosuch'],
      cwd: elsewhere,
      env,
      stderr: 'pipe',
    });
    await expect(client.connect(transport, { timeout: 60_000 })).rejects.toThrow(/NH_WORKSPACE_NOT_FOUND/);
    await client.close();
  }, 120_000);

  it('with no host running, the stdio config starts its own and answers, with log messages at the level asked', async () => {
    await host.stop();
    const client = await connect(entryOf(shown()[0]!, 'demo'));
    const logged: Array<{ level: string; data: unknown }> = [];
    client.setNotificationHandler(LoggingMessageNotificationSchema, async (n) => {
      logged.push({ level: n.params.level, data: n.params.data });
    });
    try {
      await client.setLoggingLevel('debug');
      await listAndCall(client);
      // the notification follows the call's answer: wait for it rather than sleep
      const until = Date.now() + 30_000;
      while (!logged.length && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
      expect(logged).toContainEqual({
        level: 'debug',
        data: expect.objectContaining({ event: 'tool_call_succeeded', tool: 'agent-seo:analyze_page' }),
      });
    } finally {
      await client.close();
    }
  }, 180_000);
});
