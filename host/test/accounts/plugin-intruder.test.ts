import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { operatorCredentialPath } from '../../src/accounts/operator-credential.js';
import { createRuntime } from '../../src/runtimes/index.js';
import { fixture, invocation, memoryLogger, tempDir } from '../runtimes/helpers.js';
import { bootAccounts } from './helpers.js';

/**
 * An isolated plugin has the network (Node's permission model does not cover sockets). Going around the
 * SDK, it opens a socket to the host's own port: it must get what any stranger gets, 401, and it must
 * not be able to read the operator credential that would make it the operator.
 */
describe('an isolated plugin knocking on the host', () => {
  let b: Awaited<ReturnType<typeof bootAccounts>>;
  let base: string;
  const rt = createRuntime({
    ...fixture('rt-intruder'),
    cacheDir: join(tempDir('nh-intruder-'), 'cache'),
    logger: memoryLogger().logger,
    isolation: 'isolated',
  });

  beforeAll(async () => {
    b = await bootAccounts();
    await b.host.storage.service.createWorkspace({ slug: 'demo' });
    await b.app.listen({ host: '127.0.0.1', port: 0 });
    base = `http://127.0.0.1:${(b.app.server.address() as { port: number }).port}`;
    await rt.start();
  }, 60_000);
  afterAll(async () => {
    await rt.stop();
    await b?.close();
  });

  const knock = (path: string, method = 'GET', headers: Record<string, string> = {}) =>
    rt.invoke(invocation('knock', { url: `${base}${path}`, method, headers })) as Promise<{
      status?: number;
      body?: string;
      error?: string;
    }>;

  it.each([
    ['GET', '/api/workspaces'],
    ['GET', '/api/workspaces/demo/members'],
    ['POST', '/api/workspaces/demo/tokens'],
    ['POST', '/api/users'],
    ['GET', '/api/plugins'],
  ])('%s %s from inside the plugin answers 401, as to any stranger', async (method, path) => {
    const res = await knock(path, method, method === 'POST' ? { 'content-type': 'application/json' } : {});
    expect(res.status).toBe(401);
    expect(JSON.parse(res.body!).error.code).toBe('NH_AUTH_REQUIRED');
  });

  it('a guessed operator credential is refused, not a fall back', async () => {
    const res = await knock('/api/workspaces', 'GET', { authorization: `Bearer nho_${'A'.repeat(43)}` });
    expect([res.status, JSON.parse(res.body!).error.code]).toEqual([401, 'NH_AUTH_TOKEN_INVALID']);
  });

  it('cannot read the operator credential from the data directory', async () => {
    const file = operatorCredentialPath(b.dataDir);
    expect(await rt.invoke(invocation('read_file', { path: file }))).toEqual({ error: 'ERR_ACCESS_DENIED' });
    // the file is there and holds the credential: the refusal comes from isolation, not from a missing file
    const inProcess = createRuntime({
      ...fixture('rt-intruder'),
      cacheDir: join(tempDir('nh-intruder-'), 'cache'),
      logger: memoryLogger().logger,
      isolation: 'in-process',
    });
    await inProcess.start();
    try {
      expect(await inProcess.invoke(invocation('read_file', { path: file }))).toMatchObject({ content: expect.stringMatching(/^nho_/) });
    } finally {
      await inProcess.stop();
    }
  });
});
