import { randomBytes } from 'node:crypto';
import { createDatabase, type Database, migrate, sql } from '@neonhub/db';
import { isNeonHubError, type NeonHubError, type PluginManifest, PluginManifestSchema } from '@neonhub/schemas';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createSecretBox, keyIdOf } from '../../src/secrets/index.js';
import { createWorkspaceService, type WorkspaceChange, type WorkspaceService } from '../../src/workspaces/index.js';

const manifest = (m: Record<string, unknown>): PluginManifest =>
  PluginManifestSchema.parse({
    version: '1.0.0',
    kind: 'connector',
    description: 'test plugin',
    host: '^0.2.0',
    runtime: { type: 'module', entry: 'src/index.ts' },
    tools: [{ name: 'noop', description: 'does nothing', inputSchema: { type: 'object' }, sideEffect: 'none' }],
    ...m,
  });

const manifests = new Map<string, PluginManifest>(
  [
    manifest({
      id: 'connector-email',
      config: {
        type: 'object',
        properties: {
          from: { type: 'string', format: 'email' },
          dailyLimit: { type: 'integer', minimum: 1, default: 100 },
          tracking: { type: 'object', properties: { opens: { type: 'boolean', default: true } }, default: {} },
        },
        required: ['from'],
        additionalProperties: false,
      },
      secrets: [{ name: 'API_KEY', required: true }, { name: 'WEBHOOK_SECRET' }],
    }),
    manifest({ id: 'agent-seo', kind: 'agent' }),
  ].map((m) => [m.id, m]),
);

const newBox = () => {
  const key = randomBytes(32);
  return createSecretBox({ key, keyId: keyIdOf(key), source: 'env' });
};

async function failure(p: unknown): Promise<NeonHubError> {
  const err = await Promise.resolve(p).then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!isNeonHubError(err)) throw new Error(`expected a NeonHubError, got ${String(err)}`);
  return err;
}

let n = 0;
const slug = (p: string) => `${p}-${++n}`;

describe('workspace service', () => {
  let database: Database;
  let service: WorkspaceService;
  const box = newBox();
  const changes: WorkspaceChange[] = [];

  beforeAll(async () => {
    database = await createDatabase({ memory: true });
    await migrate(database.db);
    service = createWorkspaceService({ db: database.db, secrets: box, getManifest: (id) => manifests.get(id) });
    service.onChange((c) => changes.push(c));
  });
  afterAll(() => database?.close());

  describe('workspaces', () => {
    it('creates, lists and resolves by slug and by id', async () => {
      const ws = await service.createWorkspace({ slug: slug('acme'), name: 'Acme Inc' });
      expect(ws.name).toBe('Acme Inc');
      expect(await service.resolveWorkspace(ws.slug)).toEqual(ws);
      expect(await service.resolveWorkspace(ws.id)).toEqual(ws);
      expect(await service.listWorkspaces()).toContainEqual(ws);
      const unnamed = await service.createWorkspace({ slug: slug('plain') });
      expect(unnamed.name).toBe(unnamed.slug);
    });

    it('finds a workspace created by another service on the same database', async () => {
      const other = createWorkspaceService({ db: database.db, secrets: box, getManifest: (id) => manifests.get(id) });
      const ws = await other.createWorkspace({ slug: slug('elsewhere') });
      expect((await service.resolveWorkspace(ws.slug)).id).toBe(ws.id);
    });

    it('an unknown slug or id is NH_WORKSPACE_NOT_FOUND (404)', async () => {
      for (const ref of ['nope', '6f1c1a3e-0000-4000-8000-000000000000']) {
        const err = await failure(service.resolveWorkspace(ref));
        expect(err.code).toBe('NH_WORKSPACE_NOT_FOUND');
        expect(err.status).toBe(404);
      }
      expect((await failure(service.enablePlugin('nope', 'agent-seo'))).code).toBe('NH_WORKSPACE_NOT_FOUND');
    });

    it('a taken slug is NH_WORKSPACE_EXISTS (409)', async () => {
      const s = slug('taken');
      await service.createWorkspace({ slug: s });
      const err = await failure(service.createWorkspace({ slug: s, name: 'Again' }));
      expect(err.code).toBe('NH_WORKSPACE_EXISTS');
      expect(err.status).toBe(409);
      expect((await service.listWorkspaces()).filter((w) => w.slug === s)).toHaveLength(1);
    });

    it.each([
      ['a slug with spaces and capitals', { slug: 'Bad Slug!' }],
      ['a one-letter slug', { slug: 'a' }],
      ['a slug shaped like an id', { slug: '6f1c1a3e-0000-4000-8000-000000000000' }],
      ['an empty name', { slug: 'fine-slug', name: '' }],
      ['an unknown field', { slug: 'fine-slug', owner: 'x' }],
      ['no body', undefined],
    ])('%s is NH_WORKSPACE_INVALID and creates nothing', async (_label, input) => {
      const before = (await service.listWorkspaces()).length;
      const err = await failure(service.createWorkspace(input));
      expect(err.code).toBe('NH_WORKSPACE_INVALID');
      expect(err.status).toBe(400);
      expect((await service.listWorkspaces()).length).toBe(before);
    });

    it('an owner that does not exist leaves no workspace behind', async () => {
      const s = slug('ownerless');
      const err = await failure(service.createWorkspace({ slug: s }, { ownerUserId: '6f1c1a3e-0000-4000-8000-000000000001' }));
      expect(err.code).toBe('NH_DB_REFERENCE_MISSING');
      expect((await failure(service.resolveWorkspace(s))).code).toBe('NH_WORKSPACE_NOT_FOUND');
    });
  });

  describe('plugins', () => {
    it('enables with config validated and defaults applied, in one workspace only', async () => {
      const [a, b] = [await service.createWorkspace({ slug: slug('a') }), await service.createWorkspace({ slug: slug('b') })];
      changes.length = 0;
      const row = await service.enablePlugin(a.slug, 'connector-email', { from: 'team@acme.test' });
      expect(row).toMatchObject({ workspaceId: a.id, pluginId: 'connector-email', enabled: true });
      expect(row.config).toEqual({ from: 'team@acme.test', dailyLimit: 100, tracking: { opens: true } });
      expect(await service.getConfig(a.id, 'connector-email')).toEqual(row.config);
      expect(await service.isEnabled(a.id, 'connector-email')).toBe(true);
      expect(await service.isEnabled(b.id, 'connector-email')).toBe(false);
      expect(await service.listEnabledPlugins(b.id)).toEqual([]);
      expect((await service.listEnabledPlugins(a.slug)).map((p) => p.pluginId)).toEqual(['connector-email']);
      expect(changes).toEqual([{ type: 'enabled', workspaceId: a.id, pluginId: 'connector-email' }]);
    });

    it('answers isEnabled synchronously once the workspace is warm (the hot path)', async () => {
      const ws = await service.createWorkspace({ slug: slug('hot') });
      await service.enablePlugin(ws.id, 'agent-seo');
      await service.isEnabled(ws.id, 'agent-seo');
      const answer = service.isEnabled(ws.id, 'agent-seo');
      expect(typeof answer).toBe('boolean');
      expect(answer).toBe(true);
      await service.disablePlugin(ws.id, 'agent-seo');
      expect(service.isEnabled(ws.id, 'agent-seo')).toBe(false);
    });

    it('disable keeps config and secrets; re-enabling without config keeps the stored config; events fire on change only', async () => {
      const ws = await service.createWorkspace({ slug: slug('toggle') });
      await service.enablePlugin(ws.id, 'connector-email', { from: 'a@b.test', dailyLimit: 5 });
      await service.setSecret(ws.id, 'connector-email', 'API_KEY', 'k');
      changes.length = 0;
      await service.enablePlugin(ws.id, 'connector-email'); // already enabled: no event
      expect(await service.disablePlugin(ws.id, 'connector-email')).toBe(true);
      expect(await service.disablePlugin(ws.id, 'connector-email')).toBe(false);
      // an id neither installed nor known in the workspace is a typo, not a no-op
      await expect(service.disablePlugin(ws.id, 'never-installed')).rejects.toMatchObject({ code: 'NH_PLUGIN_NOT_FOUND' });
      expect(await service.isEnabled(ws.id, 'connector-email')).toBe(false);
      expect(await service.getConfig(ws.id, 'connector-email')).toMatchObject({ dailyLimit: 5 });
      expect(await service.getSecret(ws.id, 'connector-email', 'API_KEY')).toBe('k');
      const again = await service.enablePlugin(ws.id, 'connector-email');
      expect(again.config).toMatchObject({ from: 'a@b.test', dailyLimit: 5 });
      expect(changes.map((c) => c.type)).toEqual(['disabled', 'enabled']);
    });

    it('an unknown plugin is NH_PLUGIN_NOT_FOUND', async () => {
      const ws = await service.createWorkspace({ slug: slug('unknown') });
      for (const p of [
        service.enablePlugin(ws.id, 'no-such-plugin'),
        service.setConfig(ws.id, 'no-such-plugin', {}),
        service.setSecret(ws.id, 'no-such-plugin', 'X', 'v'),
      ]) {
        expect((await failure(p)).code).toBe('NH_PLUGIN_NOT_FOUND');
      }
      expect(await service.listPlugins(ws.id)).toEqual([]);
    });

    it('bad config is NH_CONFIG_INVALID with the problems listed, and changes nothing', async () => {
      const ws = await service.createWorkspace({ slug: slug('badcfg') });
      changes.length = 0;
      const err = await failure(service.enablePlugin(ws.id, 'connector-email', { from: 'not-an-email', dailyLimit: 0, extra: 1 }));
      expect(err.code).toBe('NH_CONFIG_INVALID');
      expect(err.status).toBe(400);
      const issues = (err.details as { issues: { path: string; message: string }[] }).issues;
      expect(issues).toEqual(
        expect.arrayContaining([
          { path: '/', message: 'unknown property extra' },
          expect.objectContaining({ path: '/from' }),
          expect.objectContaining({ path: '/dailyLimit' }),
        ]),
      );
      expect((await failure(service.enablePlugin(ws.id, 'connector-email'))).code).toBe('NH_CONFIG_INVALID'); // `from` is required
      expect(await service.isEnabled(ws.id, 'connector-email')).toBe(false);
      expect(await service.listPlugins(ws.id)).toEqual([]);

      await service.setConfig(ws.id, 'connector-email', { from: 'ok@acme.test' });
      expect((await failure(service.setConfig(ws.id, 'connector-email', { from: 'ok@acme.test', dailyLimit: 'many' }))).code).toBe(
        'NH_CONFIG_INVALID',
      );
      expect(await service.getConfig(ws.id, 'connector-email')).toEqual({
        from: 'ok@acme.test',
        dailyLimit: 100,
        tracking: { opens: true },
      });
      expect(changes.map((c) => c.type)).toEqual(['configured']);
      expect(await service.isEnabled(ws.id, 'connector-email')).toBe(false); // setConfig does not enable
    });

    it('a plugin without a config schema takes only {}', async () => {
      const ws = await service.createWorkspace({ slug: slug('nocfg') });
      expect((await failure(service.enablePlugin(ws.id, 'agent-seo', { depth: 3 }))).code).toBe('NH_CONFIG_INVALID');
      expect((await service.enablePlugin(ws.id, 'agent-seo', {})).config).toEqual({});
      expect(await service.getConfig(ws.id, 'agent-seo')).toEqual({});
    });

    it('getConfig of a plugin never set up gives the schema defaults', async () => {
      const ws = await service.createWorkspace({ slug: slug('defaults') });
      expect(await service.getConfig(ws.id, 'agent-seo')).toEqual({});
      expect(await service.getConfig(ws.id, 'connector-email')).toEqual({}); // `from` is required: no valid default
    });

    it("another host's change shows after invalidate, or by itself once the cache is stale", async () => {
      const ws = await service.createWorkspace({ slug: slug('multi') });
      const hostB = createWorkspaceService({ db: database.db, secrets: box, getManifest: (id) => manifests.get(id), cacheTtlMs: 0 });
      const hostC = createWorkspaceService({ db: database.db, secrets: box, getManifest: (id) => manifests.get(id), cacheTtlMs: 60_000 });
      expect(await hostB.isEnabled(ws.id, 'agent-seo')).toBe(false);
      expect(await hostC.isEnabled(ws.id, 'agent-seo')).toBe(false);
      await service.enablePlugin(ws.id, 'agent-seo');
      expect(await hostC.isEnabled(ws.id, 'agent-seo')).toBe(false); // cached, not stale yet
      hostC.invalidate(ws.id);
      expect(await hostC.isEnabled(ws.id, 'agent-seo')).toBe(true);
      await vi.waitFor(async () => expect(await hostB.isEnabled(ws.id, 'agent-seo')).toBe(true), { timeout: 20_000 });
    });

    it('a listener that throws does not undo or block the write', async () => {
      const ws = await service.createWorkspace({ slug: slug('listener') });
      const off = service.onChange(() => {
        throw new Error('listener bug');
      });
      try {
        await service.enablePlugin(ws.id, 'agent-seo');
        expect(await service.isEnabled(ws.id, 'agent-seo')).toBe(true);
      } finally {
        off();
      }
    });
  });

  describe('secrets', () => {
    it('stores encrypted, reads back, lists names only, deletes', async () => {
      const ws = await service.createWorkspace({ slug: slug('sec') });
      await service.setSecret(ws.id, 'connector-email', 'API_KEY', 'sk_live_123');
      await service.setSecret(ws.slug, 'connector-email', 'WEBHOOK_SECRET', 'whsec');
      expect(await service.getSecret(ws.id, 'connector-email', 'API_KEY')).toBe('sk_live_123');
      const { rows } = await sql<{ ciphertext: Uint8Array }>`select ciphertext from secrets where workspace_id = ${ws.id}`.execute(
        database.db,
      );
      expect(rows.every((r) => !Buffer.from(r.ciphertext).toString('utf8').includes('sk_live'))).toBe(true);
      const names = await service.listSecretNames(ws.id, 'connector-email');
      expect(names.map((s) => s.name)).toEqual(['API_KEY', 'WEBHOOK_SECRET']);
      expect(JSON.stringify(names)).not.toContain('sk_live');
      expect(await service.deleteSecret(ws.id, 'connector-email', 'WEBHOOK_SECRET')).toBe(true);
      expect(await service.getSecret(ws.id, 'connector-email', 'WEBHOOK_SECRET')).toBeUndefined();
    });

    it('an undeclared name is NH_SECRET_UNDECLARED, an empty value NH_REQUEST_INVALID; nothing is stored', async () => {
      const ws = await service.createWorkspace({ slug: slug('undeclared') });
      const err = await failure(service.setSecret(ws.id, 'connector-email', 'PASSWORD', 'x'));
      expect(err.code).toBe('NH_SECRET_UNDECLARED');
      expect(err.details).toMatchObject({ declared: ['API_KEY', 'WEBHOOK_SECRET'] });
      expect((await failure(service.setSecret(ws.id, 'agent-seo', 'API_KEY', 'x'))).code).toBe('NH_SECRET_UNDECLARED');
      expect((await failure(service.setSecret(ws.id, 'connector-email', 'API_KEY', ''))).code).toBe('NH_REQUEST_INVALID');
      expect(await service.listSecretNames(ws.id)).toEqual([]);
    });

    it("A's secret is not B's: a ciphertext row copied to B, or to another name or plugin, is NH_SECRET_DECRYPT_FAILED", async () => {
      const a = await service.createWorkspace({ slug: slug('sec-a') });
      const b = await service.createWorkspace({ slug: slug('sec-b') });
      await service.setSecret(a.id, 'connector-email', 'API_KEY', 'a-secret');
      expect(await service.getSecret(b.id, 'connector-email', 'API_KEY')).toBeUndefined();
      expect(await service.listSecretNames(b.id)).toEqual([]);

      const copy = (workspaceId: string, pluginId: string, name: string) =>
        sql`
        insert into secrets (workspace_id, plugin_id, name, ciphertext, iv, tag, key_id)
        select ${workspaceId}::uuid, ${pluginId}, ${name}, ciphertext, iv, tag, key_id from secrets
        where workspace_id = ${a.id}::uuid and plugin_id = 'connector-email' and name = 'API_KEY'`.execute(database.db);
      await copy(b.id, 'connector-email', 'API_KEY');
      await copy(a.id, 'connector-email', 'WEBHOOK_SECRET');
      await copy(a.id, 'connector-sms', 'API_KEY');

      const moved = await failure(service.getSecret(b.id, 'connector-email', 'API_KEY'));
      expect(moved.code).toBe('NH_SECRET_DECRYPT_FAILED');
      expect(moved.message).not.toContain('a-secret');
      expect((await failure(service.getSecret(a.id, 'connector-email', 'WEBHOOK_SECRET'))).code).toBe('NH_SECRET_DECRYPT_FAILED');
      expect((await failure(service.getSecret(a.id, 'connector-sms', 'API_KEY'))).code).toBe('NH_SECRET_DECRYPT_FAILED');
      expect(await service.getSecret(a.id, 'connector-email', 'API_KEY')).toBe('a-secret');
    });

    it('under another secret key, a stored secret is NH_SECRET_DECRYPT_FAILED naming the key ids', async () => {
      const ws = await service.createWorkspace({ slug: slug('rekeyed') });
      await service.setSecret(ws.id, 'connector-email', 'API_KEY', 'v');
      const otherBox = newBox();
      const rekeyed = createWorkspaceService({ db: database.db, secrets: otherBox, getManifest: (id) => manifests.get(id) });
      const err = await failure(rekeyed.getSecret(ws.id, 'connector-email', 'API_KEY'));
      expect(err.code).toBe('NH_SECRET_DECRYPT_FAILED');
      expect(err.message).toContain(box.keyId);
      expect(err.message).toContain(otherBox.keyId);
    });
  });
});
