import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { EmptyResultSchema, type LoggingMessageNotification, LoggingMessageNotificationSchema } from '@modelcontextprotocol/sdk/types.js';
import { afterEach, describe, expect, it } from 'vitest';
import { createMcpGateway, type McpGateway } from '../../src/mcp/gateway.js';
import { createCallTool } from '../../src/pipeline/call-tool.js';
import { buildTestParts } from './fixtures/harness.js';

/**
 * MCP logging: logging/setLevel stores the session's level, and the workspace's finished calls (the pipeline's
 * records, as the host wires them) reach its sessions as notifications/message at or above that level.
 */
const clients: Client[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
});

async function setup() {
  const parts = await buildTestParts({ workspaces: ['alpha', 'beta'] });
  let gateway: McpGateway | undefined;
  const callTool = createCallTool({
    registry: parts.registry,
    hooks: parts.hooks,
    workspaces: parts.workspaces.access,
    logger: parts.logger,
    record: (r) => gateway?.logToolCall(r),
  });
  gateway = createMcpGateway({ registry: parts.registry, callTool, workspaces: parts.workspaces.access, logger: parts.logger });
  parts.workspaces.enable('alpha', 'demo');
  parts.workspaces.enable('beta', 'demo');
  const connect = async (slug: string) => {
    const mcp = gateway!.open(parts.workspaces.get(slug), { id: `u-${slug}`, type: 'user', role: 'owner' });
    const [a, b] = InMemoryTransport.createLinkedPair();
    await mcp.server.connect(a);
    const client = new Client({ name: 'logging-test', version: '1.0.0' });
    clients.push(client);
    const messages: LoggingMessageNotification['params'][] = [];
    client.setNotificationHandler(LoggingMessageNotificationSchema, (n) => void messages.push(n.params));
    await client.connect(b);
    return { client, messages };
  };
  return { connect };
}

const settle = () => new Promise((r) => setTimeout(r, 50));

describe('MCP logging', () => {
  it('sends nothing before setLevel, then the workspace events at or above the level', async () => {
    const { connect } = await setup();
    const { client, messages } = await connect('alpha');
    await client.callTool({ name: 'demo__fail', arguments: {} });
    await settle();
    expect(messages).toEqual([]); // the client never asked

    expect(await client.setLoggingLevel('warning')).toEqual({});
    await client.callTool({ name: 'demo__echo', arguments: { text: 'hi' } }); // ok: debug, below warning
    await client.callTool({ name: 'demo__fail', arguments: {} });
    await settle();
    expect(messages).toEqual([
      {
        level: 'error',
        logger: 'neonhub',
        data: expect.objectContaining({ event: 'tool_call_failed', tool: 'demo:fail', code: 'NH_TOOL_FAILED', callId: expect.any(String) }),
      },
    ]);

    await client.setLoggingLevel('debug');
    await client.callTool({ name: 'demo__echo', arguments: { text: 'hi' } });
    await settle();
    expect(messages.at(-1)).toMatchObject({ level: 'debug', data: { event: 'tool_call_succeeded', tool: 'demo:echo' } });
  });

  it("a session hears its own workspace's events, whoever made the call, and no other workspace's", async () => {
    const { connect } = await setup();
    const alpha1 = await connect('alpha');
    const alpha2 = await connect('alpha');
    const beta = await connect('beta');
    for (const s of [alpha1, alpha2, beta]) await s.client.setLoggingLevel('error');
    await alpha1.client.callTool({ name: 'demo__fail', arguments: {} });
    await settle();
    expect(alpha1.messages).toHaveLength(1);
    expect(alpha2.messages).toHaveLength(1);
    expect(beta.messages).toEqual([]);
  });

  it('an unknown level is refused and the level stays as it was', async () => {
    const { connect } = await setup();
    const { client, messages } = await connect('alpha');
    await client.setLoggingLevel('error');
    // the SDK checks the level against the spec's list before the handler runs
    await expect(client.request({ method: 'logging/setLevel', params: { level: 'loud' } }, EmptyResultSchema)).rejects.toThrow(/level/);
    await client.callTool({ name: 'demo__echo', arguments: { text: 'hi' } });
    await client.callTool({ name: 'demo__fail', arguments: {} });
    await settle();
    expect(messages.map((m) => m.level)).toEqual(['error']);
  });
});
