import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { createServer } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { checkRedis, createBullQueue } from '../src/index.js';

/**
 * Redis going away under a running BullMQ queue: one report when it is lost and one when it is back (BullMQ
 * alone printed a stack trace per reconnect attempt, ~46 a minute), and close() does not wait for it forever
 * (SIGTERM of `neonhub start` hung). Needs a Redis it can stop: a redis-server of its own on a free port.
 */
const hasRedisServer = spawnSync('redis-server', ['--version']).status === 0;
let server: ChildProcess | undefined;

const freePort = () =>
  new Promise<number>((ok) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => ok(port));
    });
  });

async function startRedis(port: number) {
  server = spawn('redis-server', ['--port', String(port), '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  const until = Date.now() + 10_000;
  for (;;) {
    try {
      await checkRedis(`redis://127.0.0.1:${port}`, 500);
      return;
    } catch (err) {
      if (Date.now() > until) throw err;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

async function stopRedis() {
  const s = server;
  if (!s || s.exitCode !== null || s.signalCode !== null) return;
  const exited = new Promise((r) => s.once('exit', r));
  s.kill('SIGKILL');
  await exited;
}

const until = async (check: () => boolean, ms: number) => {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 50));
  }
};

afterAll(stopRedis);

describe.skipIf(!hasRedisServer)('a BullMQ queue when Redis goes away (needs redis-server on PATH)', () => {
  it('tells the outage once and the recovery once, and closes while Redis is down', async () => {
    const port = await freePort();
    await startRedis(port);
    const events: { state: string; message: string }[] = [];
    const handled: number[] = [];
    const q = createBullQueue({
      name: 'outage',
      schema: z.object({ n: z.number() }),
      redisUrl: `redis://127.0.0.1:${port}`,
      prefix: 'nhtest-outage',
      onConnection: (e) => events.push(e),
    });
    await q.process(async (job) => {
      handled.push(job.payload.n);
    });
    await q.add('a', { n: 1 }, { jobId: 'j1' });
    await until(() => handled.length === 1, 10_000);

    await stopRedis();
    await until(() => events.length === 1, 10_000);
    await new Promise((r) => setTimeout(r, 3000)); // ioredis keeps reconnecting meanwhile
    expect(events).toEqual([
      { state: 'lost', message: `Redis at 127.0.0.1:${port} (REDIS_URL) is unreachable (ECONNREFUSED); run steps wait, reconnecting` },
    ]);

    await startRedis(port);
    await until(() => events.length === 2, 20_000);
    expect(events[1]).toEqual({ state: 'back', message: `Redis at 127.0.0.1:${port} is reachable again` });

    await stopRedis();
    await until(() => events.length === 3, 10_000);
    // close() settles while Redis is still down (the bug: a graceful close waited for it forever). It bounds its own
    // waits (2 s + 2 s); a hang is this test's timeout. No stopwatch: a loaded machine runs those timers late.
    await expect(q.close()).resolves.toBeUndefined();
    expect(server?.exitCode !== null || server?.signalCode !== null, 'Redis was still down when close() returned').toBe(true);
    expect(events.map((e) => e.state)).toEqual(['lost', 'back', 'lost']);
  }, 90_000);
});

describe('checkRedis on a starved process', () => {
  /** The process gets no CPU for longer than the check's timeout (as under a loaded machine); the check still names the refusal. */
  const expectRefusedAfterStall = async (checking: Promise<unknown>) => {
    const stalled = Date.now() + 200;
    while (Date.now() < stalled) {
      /* busy: when the process runs again, the timers and the refusal are all due */
    }
    const err = await checking.then(
      () => undefined,
      (e: { code?: string; details?: { reason?: string } }) => e,
    );
    expect(err?.code).toBe('NH_REDIS_UNREACHABLE');
    expect(err?.details?.reason).toBe('ECONNREFUSED');
  };

  it('names the refusal, not its own timeout, when both were due in the same turn', async () => {
    const port = await freePort(); // nothing listens: the connection is refused at once
    const checking = checkRedis(`redis://127.0.0.1:${port}`, 20);
    await expectRefusedAfterStall(checking);
  });

  it('names the refusal when the stall comes after the socket was opened (the connection timer due too)', async () => {
    const port = await freePort();
    const checking = checkRedis(`redis://127.0.0.1:${port}`, 20);
    // let the client open its socket and arm its timers (ticks and promise turns only: no I/O is read meanwhile)
    for (let i = 0; i < 50; i++) await new Promise((r) => process.nextTick(r));
    await expectRefusedAfterStall(checking);
  });
});
