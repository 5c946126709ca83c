import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRuntime } from '../../src/runtimes/index.js';
import { fixture, invocation, memoryLogger, tempDir, waitFor } from './helpers.js';

describe('a failing tool fails only its own call', () => {
  const { logger } = memoryLogger();
  const basic = fixture('rt-basic');
  const other = fixture('rt-other');
  const backoff = { baseMs: 20, maxMs: 200, calmMs: 60_000 };
  const runtimes = {
    'in-process': createRuntime({ ...basic, cacheDir: tempDir(), logger, isolation: 'in-process' }),
    isolated: createRuntime({ ...basic, cacheDir: tempDir(), logger, isolation: 'isolated', backoff }),
  };
  const calm = createRuntime({ ...other, cacheDir: tempDir(), logger, isolation: 'isolated' });

  beforeAll(() => Promise.all([...Object.values(runtimes), calm].map((rt) => rt.start())));
  afterAll(() => Promise.all([...Object.values(runtimes), calm].map((rt) => rt.stop())));

  const pingOther = async (n: number) => expect(await calm.invoke(invocation('ping', { n }))).toEqual({ pong: n });

  it.each(Object.keys(runtimes) as (keyof typeof runtimes)[])('%s: a throw is NH_TOOL_FAILED with the plugin code', async (name) => {
    await expect(runtimes[name].invoke(invocation('fail', {}))).rejects.toMatchObject({
      code: 'NH_TOOL_FAILED',
      details: { plugin: 'rt-basic', tool: 'fail', code: 'NH_FIXTURE_BOOM', details: { why: 'test' } },
    });
    await pingOther(1);
  });

  it.each(Object.keys(runtimes) as (keyof typeof runtimes)[])('%s: a hang is NH_TOOL_TIMEOUT, the plugin stays usable', async (name) => {
    const rt = runtimes[name];
    const [hung, ok] = await Promise.allSettled([
      rt.invoke(invocation('hang', {}, { timeoutMs: 150 })),
      rt.invoke(invocation('add', { a: 2 })),
    ]);
    expect(hung).toMatchObject({ status: 'rejected', reason: { code: 'NH_TOOL_TIMEOUT', details: { timeoutMs: 150 } } });
    expect(ok).toEqual({ status: 'fulfilled', value: { sum: 12 } });
    expect(await rt.invoke(invocation('add', { a: 3 }))).toEqual({ sum: 13 });
    await pingOther(2);
  });

  it('in-process: the signal is aborted at the timeout', async () => {
    const rt = runtimes['in-process'];
    await expect(rt.invoke(invocation('hang', {}, { timeoutMs: 50 }))).rejects.toMatchObject({ code: 'NH_TOOL_TIMEOUT' });
  });

  it('isolated: process.exit fails the calls in flight at once (not at their timeout) and the plugin restarts', async () => {
    const rt = runtimes.isolated;
    // long timeouts: the test's own 30 s limit would trip first if the rejection waited for them
    const inFlight = rt.invoke(invocation('hang', {}, { timeoutMs: 120_000 }));
    const exit = rt.invoke(invocation('exit', {}, { timeoutMs: 120_000 }));
    await expect(exit).rejects.toMatchObject({ code: 'NH_PLUGIN_UNAVAILABLE' });
    await expect(inFlight).rejects.toMatchObject({ code: 'NH_PLUGIN_UNAVAILABLE' });
    await pingOther(3);
    expect(rt.status).toBe('restarting');
    await expect(rt.invoke(invocation('add', { a: 1 }))).rejects.toMatchObject({ code: 'NH_PLUGIN_UNAVAILABLE' });
    await waitFor(() => rt.status === 'ready', 10_000, 'restart');
    expect(await rt.invoke(invocation('add', { a: 4 }))).toEqual({ sum: 14 });
    expect(rt.stats?.()).toMatchObject({ crashes: 1, restarts: 1 });
  });

  it('an unknown tool fails cleanly in both runtimes', async () => {
    await expect(runtimes['in-process'].invoke(invocation('nope', {}))).rejects.toMatchObject({ code: 'NH_TOOL_NOT_FOUND' });
    await expect(runtimes.isolated.invoke(invocation('nope', {}))).rejects.toMatchObject({ code: 'NH_TOOL_NOT_FOUND' });
  });
});
