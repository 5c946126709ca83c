import { sql } from '@neonhub/db';
import { type FakeProvider, fakeReply, startFakeOpenAI } from '@neonhub/llm/testing';
import { isNeonHubError } from '@neonhub/schemas';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Host } from '../../src/host.js';
import { buildApp } from '../../src/server/app.js';
import { bootHost, lockRoot, makeRoot, operatorInject, removeRoot, repoPlugin } from '../integration/helpers.js';

/**
 * Each workspace its own language model: a workspace set to OpenAI (a local server speaking its wire format,
 * reached by the real `ai` SDK client) drafts with it and its own key, while another workspace keeps the host's
 * default (the offline model). The key is stored encrypted and never shown; bad settings are refused with a
 * code and change nothing.
 */
const actor = { type: 'user' as const, id: 'admin', role: 'owner' as const };
let root: string;
let host: Host;
let app: FastifyInstance;
let op: FastifyInstance['inject'];
let fake: FakeProvider;

beforeAll(async () => {
  fake = await startFakeOpenAI();
  root = makeRoot('workspace-llm', [{ from: repoPlugin('agent-content'), link: true }]);
  await lockRoot(root);
  // The fake provider listens on 127.0.0.1, which the outbound guard refuses unless allow-listed (and so is Ollama's default).
  host = await bootHost(root, { env: { NEONHUB_OUTBOUND_ALLOW: `${new URL(fake.baseURL).host} 127.0.0.1:11434` } });
  for (const slug of ['ws-a', 'ws-b']) {
    await host.storage.service.createWorkspace({ slug });
    await host.storage.service.enablePlugin(slug, 'agent-content');
  }
  app = await buildApp(host);
  op = operatorInject(app, host);
}, 60_000);

afterAll(async () => {
  await app?.close();
  await host?.close();
  await fake?.close();
  removeRoot(root);
});

const draft = (workspace: string) =>
  host.callTool({ workspace, tool: 'agent-content:draft', input: { kind: 'social', topic: 'our spring sale' }, actor });
const codeOf = (err: unknown) => (isNeonHubError(err) ? err.code : String(err));

describe("a workspace's language model", () => {
  it("starts on the host's default, the offline model", async () => {
    expect(await host.storage.llm.get('ws-a')).toMatchObject({ source: 'host', provider: 'offline', hasApiKey: false });
    const r = await draft('ws-a');
    expect(r).toMatchObject({ status: 'ok', output: { offline: true } });
  });

  it('drafts with the provider, model and key set for it; the other workspace keeps the offline model', async () => {
    const res = await op({
      method: 'PUT',
      url: '/api/workspaces/ws-a/llm',
      payload: { provider: 'openai', model: 'gpt-4o-mini', baseURL: fake.baseURL, apiKey: 'sk-workspace-a' },
    });
    expect(res.statusCode).toBe(200);
    expect(res.json().llm).toEqual({
      source: 'workspace',
      provider: 'openai',
      model: 'gpt-4o-mini',
      baseURL: fake.baseURL,
      hasApiKey: true,
    });
    expect(res.body).not.toContain('sk-workspace-a');

    fake.enqueue(fakeReply.text('Spring sale: thirty percent off every trail shoe, this week only.'));
    const a = await draft('ws-a');
    expect(a).toMatchObject({ status: 'ok', output: { offline: false, model: 'openai/gpt-4o-mini' } });
    expect((a as { output: { text: string } }).output.text).toContain('thirty percent off');
    expect(fake.requests).toHaveLength(1);
    expect(fake.requests[0]!.headers.authorization).toBe('Bearer sk-workspace-a');

    const b = await draft('ws-b');
    expect(b).toMatchObject({ status: 'ok', output: { offline: true } });
    expect(fake.requests).toHaveLength(1);
  });

  it('keeps the key encrypted (never in the settings column, never in plain text) and shows only that one is stored', async () => {
    const row = (await sql<{ llm: unknown }>`select w.llm from workspaces w where w.slug = 'ws-a'`.execute(host.storage.db)).rows[0]!;
    expect(JSON.stringify(row.llm)).not.toContain('sk-');
    const secret = (
      await sql<{ ciphertext: Uint8Array }>`select s.ciphertext from secrets s join workspaces w on w.id = s.workspace_id
        where w.slug = 'ws-a' and s.plugin_id = '@llm' and s.name = 'API_KEY'`.execute(host.storage.db)
    ).rows;
    expect(secret).toHaveLength(1);
    expect(Buffer.from(secret[0]!.ciphertext).toString('utf8')).not.toContain('sk-workspace-a');
    const shown = await op({ method: 'GET', url: '/api/workspaces/ws-a/llm' });
    expect(shown.json().llm).toMatchObject({ provider: 'openai', hasApiKey: true });
    expect(shown.body).not.toContain('sk-workspace-a');
  });

  it('refuses bad settings with NH_WORKSPACE_LLM_INVALID and changes nothing', async () => {
    // not an object at all: the route's schema refuses it (NH_REQUEST_INVALID) before the settings are read
    const notObject = await op({ method: 'PUT', url: '/api/workspaces/ws-b/llm', payload: [] });
    expect([notObject.statusCode, notObject.json().error.code]).toEqual([400, 'NH_REQUEST_INVALID']);
    const bad = [
      {},
      { model: 'gpt-4.1-mini' },
      { provider: 'gpt' },
      { provider: 'anthropic' }, // no key of the workspace's own: the host's key is never lent
      { provider: 'openai-compatible', model: 'llama3' }, // no baseURL
      { provider: 'openai', baseURL: 'file:///etc/passwd', apiKey: 'k' },
      { provider: 'ollama', temperature: 7 },
    ];
    for (const payload of bad) {
      const res = await op({ method: 'PUT', url: '/api/workspaces/ws-b/llm', payload });
      expect(res.statusCode, JSON.stringify(payload)).toBe(400);
      expect(res.json().error.code).toBe('NH_WORKSPACE_LLM_INVALID');
    }
    // Not JSON at all: refused by the body parser with its own code, never a 500.
    const text = await op({
      method: 'PUT',
      url: '/api/workspaces/ws-b/llm',
      payload: 'openai',
      headers: { 'content-type': 'text/plain' },
    });
    expect(text.statusCode).toBe(400);
    expect(text.json().error.code).toMatch(/^NH_/);
    expect(codeOf(await host.storage.llm.set('ws-a', { provider: 'openai', api: 'chat', foo: 1 }).catch((e) => e))).toBe(
      'NH_WORKSPACE_LLM_INVALID',
    );
    expect(await host.storage.llm.get('ws-b')).toMatchObject({ source: 'host', provider: 'offline' });
    expect(await host.storage.llm.get('ws-a')).toMatchObject({ source: 'workspace', provider: 'openai', hasApiKey: true });
    expect((await op({ method: 'GET', url: '/api/workspaces/nope/llm' })).json().error.code).toBe('NH_WORKSPACE_NOT_FOUND');
  });

  it('keeps the key while the provider stays the same, and drops it when the provider changes', async () => {
    const kept = await op({
      method: 'PUT',
      url: '/api/workspaces/ws-a/llm',
      payload: { provider: 'openai', model: 'gpt-4.1-mini', baseURL: fake.baseURL },
    });
    expect(kept.json().llm).toMatchObject({ model: 'gpt-4.1-mini', hasApiKey: true });
    // An OpenAI key is not an Anthropic key: switching without a new one is refused, and nothing changes.
    const switched = await op({ method: 'PUT', url: '/api/workspaces/ws-a/llm', payload: { provider: 'anthropic' } });
    expect(switched.json().error.code).toBe('NH_WORKSPACE_LLM_INVALID');
    expect(await host.storage.llm.get('ws-a')).toMatchObject({ provider: 'openai', hasApiKey: true });
    const ollama = await op({ method: 'PUT', url: '/api/workspaces/ws-a/llm', payload: { provider: 'ollama' } });
    expect(ollama.json().llm).toMatchObject({ provider: 'ollama', hasApiKey: false });
  });

  it('goes back to the host default on DELETE, and the stored key is deleted', async () => {
    const res = await op({ method: 'DELETE', url: '/api/workspaces/ws-a/llm' });
    expect(res.json().llm).toMatchObject({ source: 'host', provider: 'offline', hasApiKey: false });
    const keys = await sql<{ n: number }>`select count(*)::int as n from secrets where plugin_id = '@llm'`.execute(host.storage.db);
    expect(Number(keys.rows[0]!.n)).toBe(0);
    expect(await draft('ws-a')).toMatchObject({ status: 'ok', output: { offline: true } });
    expect(fake.requests).toHaveLength(1);
  });
});
