import { randomUUID } from 'node:crypto';
import { isNeonHubError } from '@neonhub/schemas';
import { afterAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createQueue, deleteBullPrefix, type Queue } from '../src/index.js';

const Payload = z.object({ n: z.number().int(), tag: z.string().default('x') });
type P = z.infer<typeof Payload>;

const redisUrl = process.env.NEONHUB_TEST_REDIS_URL;
const prefix = `nhtest-queue-${process.pid}-${randomUUID().slice(0, 8)}`;
const backends: { name: string; redisUrl?: string }[] = [{ name: 'memory' }, ...(redisUrl ? [{ name: 'bullmq', redisUrl }] : [])];

afterAll(async () => {
  if (redisUrl) await deleteBullPrefix(redisUrl, prefix);
});

function until(check: () => boolean, ms = 10_000): Promise<void> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const tick = () => {
      if (check()) return resolve();
      if (Date.now() - started > ms) return reject(new Error('condition not met in time'));
      setTimeout(tick, 5);
    };
    tick();
  });
}

describe.each(backends)('queue on $name', ({ redisUrl: url }) => {
  const open: Queue<P>[] = [];
  const make = (failed?: (id: string) => void) => {
    const q = createQueue({
      name: `q-${randomUUID().slice(0, 8)}`,
      schema: Payload,
      prefix,
      ...(url ? { redisUrl: url, stalledIntervalMs: 1000, lockDurationMs: 2000 } : {}),
      ...(failed ? { onFailed: (job) => failed(job.id) } : {}),
    });
    open.push(q);
    return q;
  };
  afterAll(async () => {
    await Promise.all(open.map((q) => q.close()));
  });

  it('delivers every job once with its parsed payload (defaults applied)', async () => {
    const q = make();
    const seen: P[] = [];
    await q.process(async (job) => void seen.push(job.payload), { concurrency: 4 });
    for (let n = 0; n < 50; n++) await q.add('work', { n } as P, { jobId: `j${n}` });
    await until(() => seen.length === 50);
    expect(seen.map((p) => p.n).sort((a, b) => a - b)).toEqual([...Array(50).keys()]);
    expect(seen.every((p) => p.tag === 'x')).toBe(true);
  });

  it('refuses an invalid payload at enqueue with a coded error', async () => {
    const q = make();
    const err = await q.add('work', { n: 'one' } as unknown as P, { jobId: 'bad' }).catch((e) => e);
    expect(isNeonHubError(err) && err.code).toBe('NH_QUEUE_PAYLOAD_INVALID');
    expect(await q.has('bad')).toBe(false);
  });

  it('adds many jobs at once: each delivered once, a repeated id ignored, nothing added when one payload is invalid', async () => {
    const q = make();
    const bad = await q
      .addMany([
        { name: 'work', payload: { n: 1 } as P, opts: { jobId: 'm-ok' } },
        { name: 'work', payload: { n: 'two' } as unknown as P, opts: { jobId: 'm-bad' } },
      ])
      .catch((e) => e);
    expect(isNeonHubError(bad) && bad.code).toBe('NH_QUEUE_PAYLOAD_INVALID');
    expect(await q.has('m-ok')).toBe(false);

    await q.addMany([
      ...Array.from({ length: 20 }, (_, n) => ({ name: 'work', payload: { n } as P, opts: { jobId: `m${n}` } })),
      { name: 'work', payload: { n: 99 } as P, opts: { jobId: 'm3' } },
    ]);
    expect(await q.has('m19')).toBe(true);
    const seen: number[] = [];
    await q.process(async (job) => void seen.push(job.payload.n), { concurrency: 4 });
    await until(() => seen.length >= 20);
    await new Promise((r) => setTimeout(r, 100));
    expect(seen.sort((a, b) => a - b)).toEqual([...Array(20).keys()]);
  });

  it('ignores a second add with the id of a waiting job', async () => {
    const q = make();
    await q.add('work', { n: 1, tag: 'first' }, { jobId: 'same' });
    await q.add('work', { n: 2, tag: 'second' }, { jobId: 'same' });
    expect(await q.has('same')).toBe(true);
    const seen: P[] = [];
    await q.process(async (job) => void seen.push(job.payload));
    await until(() => seen.length >= 1);
    await new Promise((r) => setTimeout(r, 100));
    expect(seen).toEqual([{ n: 1, tag: 'first' }]);
    expect(await q.has('same')).toBe(false);
  });

  it('runs up to `concurrency` handlers at once and no more', async () => {
    const q = make();
    let active = 0;
    let peak = 0;
    let done = 0;
    await q.process(
      async () => {
        active++;
        peak = Math.max(peak, active);
        await new Promise((r) => setTimeout(r, 30));
        active--;
        done++;
      },
      { concurrency: 3 },
    );
    for (let n = 0; n < 9; n++) await q.add('work', { n, tag: 't' }, { jobId: `c${n}` });
    await until(() => done === 9);
    expect(peak).toBe(3);
  });

  it('holds a delayed job back until its delay has passed', async () => {
    const q = make();
    const at: number[] = [];
    await q.process(async () => void at.push(Date.now()));
    const added = Date.now();
    await q.add('work', { n: 1, tag: 't' }, { jobId: 'later', delayMs: 300 });
    expect(await q.has('later')).toBe(true);
    await until(() => at.length === 1);
    expect(at[0]! - added).toBeGreaterThanOrEqual(250);
  });

  it('retries a throwing handler up to `attempts`, then reports the failure', async () => {
    const failed: string[] = [];
    const q = make((id) => failed.push(id));
    const tries: number[] = [];
    await q.process(async (job) => {
      tries.push(job.attempt);
      throw new Error('boom');
    });
    await q.add('work', { n: 1, tag: 't' }, { jobId: 'flaky', attempts: 3 });
    await until(() => failed.length === 1);
    expect(tries).toEqual([1, 2, 3]);
    expect(failed).toEqual(['flaky']);
  });
});
