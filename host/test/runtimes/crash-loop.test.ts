import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRuntime } from '../../src/runtimes/index.js';
import { backoffDelay, defaultBackoff } from '../../src/runtimes/supervisor.js';
import type { RuntimeStatus } from '../../src/runtimes/types.js';
import { fixture, invocation, memoryLogger, tempDir, waitFor } from './helpers.js';

describe('restart backoff', () => {
  it('doubles from the base to the cap, jitter never making a later delay shorter', () => {
    const b = { ...defaultBackoff, baseMs: 100, maxMs: 30_000, jitter: 0.1 };
    for (const random of [() => 0, () => 0.999, Math.random]) {
      const delays = Array.from({ length: 20 }, (_, i) => backoffDelay(i + 1, b, random));
      expect(delays[0]).toBeGreaterThanOrEqual(100);
      expect(delays[0]).toBeLessThanOrEqual(110);
      for (let i = 1; i < delays.length; i++) expect(delays[i]).toBeGreaterThanOrEqual(delays[i - 1]!);
      expect(delays.at(-1)).toBe(30_000);
    }
  });
});

/**
 * Hang guards, not speed budgets: each restart spawns a Node process that loads the plugin's bundle (~0.5 s of CPU),
 * which on a loaded 2-core machine (CI beside other suites, load 13-20) takes seconds. The tests wait on the
 * runtime's own conditions (a new process, a status); these bounds only turn a real hang into a failure. A start
 * slower than the runtime's start timeout would count as one more crash, so the tests give it the same guard.
 */
const RESTART_GUARD_MS = 120_000;
const CALL_GUARD_MS = 60_000;
const TEST_GUARD_MS = 600_000;

describe('20 consecutive crashes of an isolated plugin', () => {
  const { logger } = memoryLogger();
  const statuses: { status: RuntimeStatus; crashes: number }[] = [];
  const crasher = createRuntime({
    ...fixture('rt-basic'),
    cacheDir: tempDir(),
    logger,
    isolation: 'isolated',
    backoff: { baseMs: 10, maxMs: 160, calmMs: 60_000, startTimeoutMs: RESTART_GUARD_MS },
    onStatus: (status, info) => statuses.push({ status, crashes: info?.crashes ?? 0 }),
  });
  const otherIsolated = createRuntime({
    ...fixture('rt-other'),
    cacheDir: tempDir(),
    logger,
    isolation: 'isolated',
    backoff: { startTimeoutMs: RESTART_GUARD_MS },
  });
  const otherInProcess = createRuntime({ ...fixture('rt-other'), cacheDir: tempDir(), logger, isolation: 'in-process' });

  beforeAll(() => Promise.all([crasher, otherIsolated, otherInProcess].map((rt) => rt.start())), RESTART_GUARD_MS);
  afterAll(() => Promise.all([crasher, otherIsolated, otherInProcess].map((rt) => rt.stop())), RESTART_GUARD_MS);

  it('never takes the host down, other plugins answer every call, delays grow, status degrades', { timeout: TEST_GUARD_MS }, async () => {
    let done = false;
    let n = 0;
    const failures: unknown[] = [];
    const background = (async () => {
      while (!done) {
        n++;
        for (const rt of [otherIsolated, otherInProcess]) {
          await rt.invoke(invocation('ping', { n }, { timeoutMs: CALL_GUARD_MS })).then(
            (out) => expect(out).toEqual({ pong: n }),
            (err) => failures.push(err),
          );
        }
        await new Promise((r) => setTimeout(r, 2));
      }
    })();

    const downCodes: string[] = [];
    for (let crash = 1; crash <= 20; crash++) {
      await waitFor(() => crasher.stats?.().pid !== undefined, RESTART_GUARD_MS, `restart before crash ${crash}`);
      await expect(crasher.invoke(invocation('exit', {}, { timeoutMs: CALL_GUARD_MS }))).rejects.toMatchObject({
        code: 'NH_PLUGIN_UNAVAILABLE',
      });
      // while it is down, calls fail at once with a coded error
      await crasher.invoke(invocation('add', { a: 1 })).catch((e: { code: string }) => downCodes.push(e.code));
    }
    done = true;
    await background;

    expect(failures).toEqual([]);
    expect(n).toBeGreaterThan(20);
    const stats = crasher.stats!();
    expect(stats.crashes).toBe(20);
    const delays = stats.restartDelaysMs;
    expect(delays).toHaveLength(20);
    for (let i = 1; i < delays.length; i++) expect(delays[i]).toBeGreaterThanOrEqual(delays[i - 1]!);
    expect(delays.at(-1)!).toBeGreaterThan(delays[0]!);
    expect(delays.at(-1)).toBe(160);
    // degraded exactly when the third crash landed (all within 5 minutes), and calls say so
    expect(statuses.find((s) => s.status === 'degraded')).toEqual({ status: 'degraded', crashes: 3 });
    expect(statuses.filter((s) => s.crashes < 3).map((s) => s.status)).not.toContain('degraded');
    expect(downCodes.slice(0, 2)).toEqual(['NH_PLUGIN_UNAVAILABLE', 'NH_PLUGIN_UNAVAILABLE']);
    expect(new Set(downCodes.slice(2))).toEqual(new Set(['NH_PLUGIN_DEGRADED']));
    expect(crasher.status).toBe('degraded');
    // it keeps restarting: once up again it serves calls even while still marked degraded
    await waitFor(() => crasher.stats?.().pid !== undefined, RESTART_GUARD_MS, 'restart after the last crash');
    expect(await crasher.invoke(invocation('add', { a: 5 }, { timeoutMs: CALL_GUARD_MS }))).toEqual({ sum: 15 });
  });
});

describe('recovery from degraded', () => {
  it('returns to ready after a successful start and a calm period', { timeout: TEST_GUARD_MS }, async () => {
    const { logger } = memoryLogger();
    const rt = createRuntime({
      ...fixture('rt-basic'),
      cacheDir: tempDir(),
      logger,
      isolation: 'isolated',
      backoff: { baseMs: 10, maxMs: 50, calmMs: 300, startTimeoutMs: RESTART_GUARD_MS },
    });
    await rt.start();
    try {
      for (let i = 0; i < 3; i++) {
        await waitFor(() => rt.stats?.().pid !== undefined, RESTART_GUARD_MS, 'restart');
        await rt.invoke(invocation('exit', {}, { timeoutMs: CALL_GUARD_MS })).catch(() => {});
      }
      expect(rt.status).toBe('degraded');
      await waitFor(() => rt.status === 'ready', RESTART_GUARD_MS, 'ready again');
      expect(rt.stats?.().consecutiveFailures).toBe(0);
      expect(await rt.invoke(invocation('add', { a: 0 }, { timeoutMs: CALL_GUARD_MS }))).toEqual({ sum: 10 });
    } finally {
      await rt.stop();
    }
    expect(rt.status).toBe('stopped');
  });
});
