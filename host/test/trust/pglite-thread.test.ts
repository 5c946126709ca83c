import { resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { bootHost, lockRoot, makeRoot, removeRoot, repoPlugin } from '../integration/helpers.js';

/**
 * NEONHUB_PGLITE_THREAD=on: the host's embedded database on a worker thread. The same host works as before (the
 * shared data-layer suite runs on it too, core/db/test): audited calls through the trust layer, the call log, a
 * coded error for a duplicate written through the thread, the data kept across a restart.
 */
const root = makeRoot('pglite-thread', [
  ...['governance', 'data-trust', 'eco'].map((id) => ({ from: repoPlugin(id), link: true })),
  { from: resolve(import.meta.dirname, '../fixtures/runtime-plugins/rt-basic') },
]);
afterAll(() => removeRoot(root));
const env = { NEONHUB_PGLITE_THREAD: 'on' };
const actor = { type: 'user' as const, id: 'u', role: 'owner' as const };

describe('PGlite on its own thread', () => {
  it('is off unless asked for, and a bad value is refused with a code', () => {
    expect(loadConfig({}, root).pgliteThread).toBe(false);
    expect(loadConfig(env, root).pgliteThread).toBe(true);
    expect(() => loadConfig({ NEONHUB_PGLITE_THREAD: 'yes' }, root)).toThrow(expect.objectContaining({ code: 'NH_CONFIG_ENV_INVALID' }));
  });

  it('serves audited calls, records them, and keeps them across a restart', async () => {
    await lockRoot(root);
    const host = await bootHost(root, { env });
    const svc = host.storage.service;
    await svc.createWorkspace({ slug: 'tt' });
    for (const id of ['rt-basic', 'governance', 'data-trust', 'eco']) await svc.enablePlugin('tt', id);
    // a duplicate written through the thread is the coded error it is on this thread
    await expect(svc.createWorkspace({ slug: 'tt' })).rejects.toMatchObject({ code: expect.stringMatching(/^NH_/) });
    const calls = await Promise.all(
      Array.from({ length: 40 }, () => host.callTool({ workspace: 'tt', tool: 'rt-basic:noop', input: {}, actor })),
    );
    expect(calls.every((c) => c.status === 'ok')).toBe(true);
    const verify = await host.callTool({ workspace: 'tt', tool: 'data-trust:verify', input: {}, actor });
    expect(verify).toMatchObject({ status: 'ok', output: { ok: true } });
    expect((verify as { output: { count: number } }).output.count).toBeGreaterThanOrEqual(40);
    await host.close();

    const again = await bootHost(root, { env });
    try {
      const ws = await again.storage.service.resolveWorkspace('tt');
      const ids = new Set((await again.storage.repos.toolCalls.listRecent(ws.id, { limit: 500 })).map((c) => c.callId));
      for (const c of calls) expect(ids.has(c.callId)).toBe(true);
      const after = await again.callTool({ workspace: 'tt', tool: 'data-trust:verify', input: {}, actor });
      expect(after).toMatchObject({ status: 'ok', output: { ok: true } });
    } finally {
      await again.close();
    }
  }, 240_000);
});
