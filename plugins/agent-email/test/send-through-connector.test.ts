import { readFileSync } from 'node:fs';
import connectorPlugin from '@neonhub/plugin-connector-email-sandbox';
import { PluginManifestSchema } from '@neonhub/schemas';
import { createHarness } from '@neonhub/sdk/testing';
import { describe, expect, it } from 'vitest';
import plugin from '../src/index.js';

/** agent-email wired to a real connector-email-sandbox harness, the way the host wires ctx.callTool. */
async function wired() {
  const connectorDir = new URL('../node_modules/@neonhub/plugin-connector-email-sandbox/', import.meta.url).pathname;
  const read = (dir: string) => PluginManifestSchema.parse(JSON.parse(readFileSync(`${dir}/plugin.json`, 'utf8')));
  const manifest = read(connectorDir);
  const agentManifest = read(new URL('..', import.meta.url).pathname);
  const connector = createHarness(connectorPlugin, { manifest });
  const called: string[] = [];
  const agent = createHarness(plugin, {
    manifest: agentManifest,
    callTool: async (tool, input, options) => {
      const [pluginId, name] = tool.split(':');
      // What the host enforces: only declared dependencies may be called.
      if (!pluginId || !(pluginId in agentManifest.dependencies)) throw new Error(`undeclared dependency ${pluginId}`);
      called.push(tool);
      return connector.call(name!, input, options?.idempotencyKey ? { idempotencyKey: options.idempotencyKey } : {});
    },
  });
  return { agent, connector, called };
}

describe('agent-email -> connector-email-sandbox', () => {
  it('send twice with the same idempotency key records exactly one message in the outbox', async () => {
    const { agent, connector, called } = await wired();
    const composed = (await agent.call('compose', { subject: 'Spring sale, {{first_name}}', body: 'Hi {{first_name}}, 30% off.' })) as {
      templateId: string;
    };
    const input = { templateId: composed.templateId, recipients: [{ email: 'ada@example.com', fields: { first_name: 'Ada' } }] };
    const first = (await agent.call('send', input, { idempotencyKey: 'launch-1' })) as {
      results: Array<{ status: string; messageId: string }>;
    };
    const second = (await agent.call('send', input, { idempotencyKey: 'launch-1' })) as {
      results: Array<{ status: string; messageId: string }>;
    };
    expect(first.results[0]?.status).toBe('sent');
    expect(second.results[0]).toEqual({ email: 'ada@example.com', status: 'duplicate', messageId: first.results[0]?.messageId });
    expect(called).toEqual(['connector-email-sandbox:send', 'connector-email-sandbox:send']);

    const box = (await connector.call('outbox', {})) as { total: number; messages: Array<Record<string, unknown>> };
    expect(box.total).toBe(1);
    expect(box.messages[0]).toMatchObject({
      to: ['ada@example.com'],
      subject: 'Spring sale, Ada',
      text: 'Hi Ada, 30% off.',
      idempotencyKey: 'launch-1/ada@example.com',
      messageId: first.results[0]?.messageId,
    });
  });

  it('a new idempotency key is a new send', async () => {
    const { agent, connector } = await wired();
    const { templateId } = (await agent.call('compose', { subject: 'Hi', body: 'Hello' })) as { templateId: string };
    const input = { templateId, recipients: [{ email: 'ada@example.com' }, { email: 'bob@example.com' }] };
    await agent.call('send', input, { idempotencyKey: 'a' });
    await agent.call('send', input, { idempotencyKey: 'a' });
    await agent.call('send', input, { idempotencyKey: 'b' });
    expect(((await connector.call('outbox', {})) as { total: number }).total).toBe(4);
  });
});
