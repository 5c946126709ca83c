import { createDatabase, type Database, migrate } from '@neonhub/db';
import type { PluginManifest } from '@neonhub/schemas';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanAttribution, createSendAttributor } from './sent.js';

/** What a plugin says a send is for is untrusted input: cleaned, and stored only for a connector's channel tool. */
describe('send attribution from ctx.callTool', () => {
  let database: Database;
  let workspaceId: string;
  const connector = { id: 'connector-email-sandbox', connector: { channels: ['email'] } } as unknown as PluginManifest;

  beforeAll(async () => {
    database = await createDatabase({ memory: true });
    await migrate(database.db);
    workspaceId = (await database.db.insertInto('workspaces').values({ slug: 'a', name: 'a' }).returning('id').executeTakeFirstOrThrow())
      .id;
  }, 60_000);
  afterAll(() => database?.close());

  const rows = () => database.db.selectFrom('send_attributions').selectAll().execute();

  it('keeps strings only, trimmed and cut; nothing when nothing is named', () => {
    expect(cleanAttribution({ contentId: 5, campaign: '  ', variant: ['x'], promptVariant: `  ${'p'.repeat(300)}` })).toEqual({
      promptVariant: 'p'.repeat(100),
    });
    expect(cleanAttribution({ contentId: ' drf_1 ', variant: 'v'.repeat(80) })).toEqual({ contentId: 'drf_1', variant: 'v'.repeat(50) });
    for (const bad of [null, undefined, 'drf_1', 42, [], {}, { contentId: '' }]) expect(cleanAttribution(bad)).toBeUndefined();
  });

  it("stores it under the send's key for a channel tool only, and replaces it when the same key is named again", async () => {
    const attribute = createSendAttributor(database.db, (id) => (id === connector.id ? connector : undefined), {
      publicUrl: 'https://nh.test',
      localUrl: 'http://localhost:1',
    });
    await attribute(workspaceId, 'connector-email-sandbox:outbox', 'k0', { contentId: 'drf_0' }, {});
    await attribute(workspaceId, 'agent-nope:send', 'k0', { contentId: 'drf_0' }, {});
    await attribute(workspaceId, 'connector-email-sandbox:send', 'k1', { nothing: true }, {});
    expect(await rows()).toEqual([]);
    await attribute(workspaceId, 'connector-email-sandbox:send', 'k1', { contentId: 'drf_1', promptVariant: 'control' }, {});
    await attribute(workspaceId, 'connector-email-sandbox:send', 'k1', { contentId: 'drf_2', promptVariant: 'benefit-first' }, {});
    expect((await rows()).map((r) => [r.idempotency_key, r.campaign, r.content_id, r.prompt_variant])).toEqual([
      ['k1', '', 'drf_2', 'benefit-first'],
    ]);
  });
});
