import type { Actor, NeonHubError } from '@neonhub/schemas';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Host } from '../../src/host.js';
import { bootHost, lockRoot, makeRoot, removeRoot, repoPlugin } from '../integration/helpers.js';

/**
 * NEONHUB_CONNECTORS=local-fakes: the host starts the provider fakes, connects the demo workspace's real connectors to
 * them, and a post goes through the connector's official client library to the fake. Another workspace pointing the
 * same connector at the fake is refused by its outbound guard.
 */
let root: string;
let host: Host;
const owner: Actor = { type: 'user', id: 'owner-1', role: 'owner' };
const connectors = ['connector-x', 'connector-bluesky', 'connector-mastodon'];

beforeAll(async () => {
  root = makeRoot(
    'local-fakes',
    connectors.map((id) => ({ from: repoPlugin(id), link: true })),
  );
  await lockRoot(root);
  host = await bootHost(root, { seed: true, env: { NEONHUB_CONNECTORS: 'local-fakes' } });
}, 120_000);

afterAll(async () => {
  await host?.close();
  removeRoot(root);
});

describe('local-fakes demo mode', () => {
  it("connects each of the demo workspace's real connectors to its fake, allow-listed for the demo only", async () => {
    const demo = await host.storage.service.resolveWorkspace('demo');
    const list = await host.storage.connections.list(demo.id);
    expect(list.map((c) => [c.plugin, c.label, c.status]).sort()).toEqual(connectors.map((p) => [p, 'Local fake', 'active']).sort());
    const allow = (await host.storage.outbound.get(demo.id)).workspace;
    expect(allow.length).toBeGreaterThanOrEqual(connectors.length);
    expect(allow.every((e) => e.startsWith('127.0.0.1:'))).toBe(true);
    expect((await host.storage.service.getConfig(demo.id, 'connector-x')).baseUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+/);
  });

  it('a post in the demo goes through twitter-api-v2 and @atproto/api to the fakes', async () => {
    const x = await host.callTool({
      workspace: 'demo',
      tool: 'connector-x:post',
      input: { text: 'Spring sale, live from the fake' },
      actor: owner,
    });
    expect(x.status).toBe('ok');
    expect(JSON.stringify(x.status === 'ok' ? x.output : x)).toMatch(/"postId":"\d+"/);
    const bsky = await host.callTool({
      workspace: 'demo',
      tool: 'connector-bluesky:post',
      input: { text: 'Spring sale on Bluesky' },
      actor: owner,
    });
    expect(bsky.status).toBe('ok');
    expect(JSON.stringify(bsky.status === 'ok' ? bsky.output : bsky)).toContain('at://');
  });

  it("another workspace pointing connector-x's baseUrl at the fake is refused by its outbound guard (SSRF)", async () => {
    const demo = await host.storage.service.resolveWorkspace('demo');
    const baseUrl = (await host.storage.service.getConfig(demo.id, 'connector-x')).baseUrl as string;
    await host.storage.service.createWorkspace({ slug: 'rival' });
    await host.storage.service.enablePlugin('rival', 'connector-x', { baseUrl });
    const rival = await host.storage.service.resolveWorkspace('rival');
    await host.storage.connections.addWithTokens(rival.id, {
      plugin: 'connector-x',
      label: 'mine',
      tokens: { accessToken: 'whatever', tokenType: 'bearer' },
    });
    const err = (await host
      .callTool({ workspace: 'rival', tool: 'connector-x:post', input: { text: 'reach the loopback' }, actor: owner })
      .catch((e) => e)) as NeonHubError;
    expect(JSON.stringify({ code: err.code, details: err.details, message: err.message })).toContain('NH_OUTBOUND_BLOCKED');
  });
});
