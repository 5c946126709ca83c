import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRuntime } from '../../src/runtimes/index.js';
import type { PluginRuntime } from '../../src/runtimes/types.js';
import { fixture, invocation, memoryLogger, tempDir } from './helpers.js';

/** Rejection of a call as `{ code, details }`, for comparing runtimes. */
async function failure(rt: PluginRuntime, tool: string, input: unknown) {
  const err = await rt.invoke(invocation(tool, input)).then(
    () => undefined,
    (e: { code: string; details: { code?: string; message: string } }) => e,
  );
  return { code: err?.code, pluginCode: err?.details.code, message: err?.details.message };
}

describe('one plugin definition, in-process and isolated', () => {
  const f = fixture('rt-basic');
  const { logger } = memoryLogger();
  const inProcess = createRuntime({ ...f, cacheDir: tempDir(), logger, isolation: 'in-process' });
  const isolated = createRuntime({ ...f, cacheDir: tempDir(), logger, isolation: 'isolated' });

  beforeAll(async () => {
    await Promise.all([inProcess.start(), isolated.start()]);
  });
  afterAll(async () => {
    await Promise.all([inProcess.stop(), isolated.stop()]);
  });

  it('both are ready and list the same tools, with JSON Schema, side effects and timeouts', async () => {
    expect(inProcess.kind).toBe('in-process');
    expect(isolated.kind).toBe('isolated');
    expect(isolated.status).toBe('ready');
    const listed = await isolated.listTools();
    expect(listed).toEqual(await inProcess.listTools());
    expect(listed).toEqual(f.manifest.tools);
    expect(listed.find((t) => t.name === 'add')).toMatchObject({ sideEffect: 'read', timeoutMs: 5000 });
  });

  it('returns the same results, with the same call context', async () => {
    for (const rt of [inProcess, isolated]) {
      const call = invocation('echo', { text: 'hello' });
      expect(await rt.invoke(call)).toEqual({
        text: 'hello',
        workspace: 'acme',
        actor: 'user-1',
        callId: call.context.callId,
        idempotencyKey: call.context.idempotencyKey,
        config: { tone: 'friendly' },
      });
      // zod defaults apply in both runtimes
      expect(await rt.invoke(invocation('add', { a: 1 }))).toEqual({ sum: 11 });
      expect(await rt.invoke(invocation('add', { a: 1, b: 2 }))).toEqual({ sum: 3 });
      expect(await rt.invoke(invocation('secret', { name: 'API_TOKEN' }, { secrets: { API_TOKEN: 'tok-1' } }))).toEqual({ value: 'tok-1' });
    }
  });

  it('fails the same way: thrown NeonHubError codes, plain errors, undeclared hosts', async () => {
    for (const [tool, pluginCode] of [
      ['fail', 'NH_FIXTURE_BOOM'],
      ['fail_plain', undefined],
    ] as const) {
      const a = await failure(inProcess, tool, {});
      const b = await failure(isolated, tool, {});
      expect(a).toEqual(b);
      expect(a.code).toBe('NH_TOOL_FAILED');
      expect(a.pluginCode).toBe(pluginCode);
    }
    // A user error (4xx) raised in the plugin keeps its own code and status in both runtimes.
    const a = await failure(inProcess, 'fetch_undeclared', {});
    const b = await failure(isolated, 'fetch_undeclared', {});
    expect(a).toEqual(b);
    expect(a.code).toBe('NH_SDK_HOST_NOT_ALLOWED');
    expect((await failure(isolated, 'fail', {})).message).toBe('boom on purpose');
  });

  it('multiplexes many parallel calls over the one isolated connection', async () => {
    const results = await Promise.all(Array.from({ length: 50 }, (_, i) => isolated.invoke(invocation('add', { a: i, b: i }))));
    expect(results).toEqual(Array.from({ length: 50 }, (_, i) => ({ sum: 2 * i })));
  });

  it('refuses a plugin whose code id differs from its manifest', async () => {
    const other = fixture('rt-other');
    for (const isolation of ['in-process', 'isolated'] as const) {
      const rt = createRuntime({
        manifest: { ...other.manifest, id: 'not-rt-other' },
        dir: other.dir,
        cacheDir: tempDir(),
        logger,
        isolation,
      });
      await expect(rt.start()).rejects.toMatchObject({ code: 'NH_PLUGIN_LOAD_FAILED' });
      await rt.stop();
    }
  });
});
