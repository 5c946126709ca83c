import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRuntime } from '../../src/runtimes/index.js';
import { fixture, invocation, memoryLogger, tempDir } from './helpers.js';

describe('isolated runtime: what the child may not do', () => {
  const f = fixture('rt-basic');
  const dataDir = tempDir('nh-data-');
  const hostFile = join(dataDir, 'neonhub.db');
  writeFileSync(hostFile, 'host data: workspace secrets live here');
  const { logger } = memoryLogger();
  const saved = process.env.NEONHUB_SECRET_KEY;
  // a host secret in the host's environment, which the child must not see
  process.env.NEONHUB_SECRET_KEY = 'fake-host-key-0123456789abcdef0123456789abcdef';
  const rt = createRuntime({ ...f, cacheDir: join(dataDir, 'cache'), logger, isolation: 'isolated' });

  beforeAll(() => rt.start());
  afterAll(async () => {
    await rt.stop();
    if (saved === undefined) delete process.env.NEONHUB_SECRET_KEY;
    else process.env.NEONHUB_SECRET_KEY = saved;
  });

  it('reads files inside its own folder', async () => {
    expect(await rt.invoke(invocation('read_file', { path: join(f.dir, 'data.txt') }))).toEqual({ content: 'inside the plugin folder\n' });
  });

  it.each([
    ['/etc/passwd', '/etc/passwd'],
    ["the host's data directory", hostFile],
    ["another plugin's code, next to its folder", join(f.dir, '..', 'rt-other', 'src', 'index.ts')],
  ])('is refused reading %s', async (_what, path) => {
    await expect(rt.invoke(invocation('read_file', { path }))).rejects.toMatchObject({
      code: 'NH_TOOL_FAILED',
      details: { code: 'ERR_ACCESS_DENIED' },
    });
  });

  it('cannot start a child process', async () => {
    await expect(rt.invoke(invocation('spawn', {}))).rejects.toMatchObject({
      code: 'NH_TOOL_FAILED',
      details: { code: 'ERR_ACCESS_DENIED' },
    });
  });

  it("sees none of the host's environment variables", async () => {
    expect(process.env.NEONHUB_SECRET_KEY).toBeDefined();
    expect(await rt.invoke(invocation('env', {}))).toEqual({ names: ['NODE_ENV'], secretKey: null });
  });

  it('sees only the secrets its manifest declares', async () => {
    // a user error raised in the plugin keeps its code (and 4xx status) through the runtime
    await expect(rt.invoke(invocation('secret', { name: 'OTHER' }, { secrets: { OTHER: 'x' } }))).rejects.toMatchObject({
      code: 'NH_SDK_SECRET_UNDECLARED',
      status: 400,
    });
  });

  it('the same tools do run in-process (trusted), proving the refusals come from isolation', async () => {
    const trusted = createRuntime({ ...f, cacheDir: tempDir(), logger, isolation: 'in-process' });
    await trusted.start();
    expect(await trusted.invoke(invocation('read_file', { path: hostFile }))).toEqual({
      content: 'host data: workspace secrets live here',
    });
    expect(await trusted.invoke(invocation('env', {}))).toMatchObject({ secretKey: process.env.NEONHUB_SECRET_KEY });
  });
});
