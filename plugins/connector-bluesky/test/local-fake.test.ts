import { startFake } from '@neonhub/fakes';
import { PluginManifestSchema } from '@neonhub/schemas';
import { createHarness } from '@neonhub/sdk/testing';
import { expect, it } from 'vitest';
import manifestJson from '../plugin.json' with { type: 'json' };
import plugin from '../src/index.js';

it("the fake's connection descriptor (what NEONHUB_CONNECTORS=local-fakes connects) makes a working connection", async () => {
  const fake = await startFake('bluesky');
  try {
    const { plugin: id, config, credentials, account } = fake.connection;
    expect(id).toBe(plugin.id);
    const h = createHarness(plugin, {
      manifest: PluginManifestSchema.parse({ ...manifestJson, network: { hosts: [new URL(fake.url).host] } }),
      config,
      connection: { id: 'local-fake', label: 'Local fake', credentials, ...(account ? { account } : {}) },
    });
    expect(await h.call('post', { text: 'Hello from the local fake' })).toMatchObject({ status: 'published', duplicate: false });
  } finally {
    await fake.close();
  }
});
