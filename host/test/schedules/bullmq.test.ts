import { deleteBullPrefix } from '@neonhub/queue';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { removeRoot } from '../integration/helpers.js';
import { type Booted, boot, posts, schedulePost, scheduleRoot, sleep, until, workspace } from './fixture.js';

/**
 * The same guarantees with REDIS_URL: each schedule is a BullMQ delayed job (the poll only a slow safety net here),
 * on the real clock. Needs NEONHUB_TEST_REDIS_URL.
 */
const redisUrl = process.env.NEONHUB_TEST_REDIS_URL;
const prefix = `nhtest-schedules-${process.pid}-${Date.now()}`;
let root: string;
let h: Booted;
const bootBull = () => boot(root, { redisUrl: redisUrl!, prefix, pollMs: 3_600_000 });

describe.runIf(redisUrl)('schedules on BullMQ (needs NEONHUB_TEST_REDIS_URL)', () => {
  beforeAll(async () => {
    root = await scheduleRoot('schedules-bull');
    h = await bootBull();
    await workspace(h.host, 'acme');
  }, 120_000);

  afterAll(async () => {
    await h?.close();
    if (redisUrl) await deleteBullPrefix(redisUrl, prefix);
    removeRoot(root);
  });

  const wsId = async () => (await h.host.storage.service.resolveWorkspace('acme')).id;
  const statusOf = async (id: string) => (await h.host.schedules.get(await wsId(), id)).status;
  const count = async (text: string) => (await posts(h.host, 'acme')).filter((p) => p.text === text).length;

  it('a post 12 s ahead is published on time (±5 s) by its delayed job, once, across a restart at 3 s', async () => {
    expect(h.runner.backend).toBe('bullmq');
    const at = Date.now() + 12_000;
    const { scheduleId } = await schedulePost(h.host, 'acme', 'Bull restart', new Date(at).toISOString());
    await sleep(3000);
    await h.close();
    h = await bootBull();
    const published = await until(async () => (await posts(h.host, 'acme')).find((p) => p.text === 'Bull restart'), 20_000);
    expect(published).toBeDefined();
    expect(Math.abs(Date.parse(published!.recordedAt) - at)).toBeLessThanOrEqual(5000);
    expect(await statusOf(scheduleId)).toBe('published');
    await sleep(1000);
    expect(await count('Bull restart')).toBe(1);
  }, 60_000);

  it('a moved post fires at the new time only (the old job claims nothing); a cancelled one never fires', async () => {
    const moved = await schedulePost(h.host, 'acme', 'Bull moved', new Date(Date.now() + 2_000).toISOString());
    const cancelled = await schedulePost(h.host, 'acme', 'Bull cancelled', new Date(Date.now() + 2_000).toISOString());
    const newAt = Date.now() + 6_000;
    await h.host.schedules.move(await wsId(), moved.scheduleId, new Date(newAt).toISOString());
    await h.host.schedules.cancel(await wsId(), cancelled.scheduleId);
    await sleep(4_000); // the old time has passed
    expect(await count('Bull moved')).toBe(0);
    expect(await statusOf(moved.scheduleId)).toBe('scheduled');
    const published = await until(async () => (await posts(h.host, 'acme')).find((p) => p.text === 'Bull moved'), 10_000);
    expect(Math.abs(Date.parse(published!.recordedAt) - newAt)).toBeLessThanOrEqual(5000);
    expect(await statusOf(cancelled.scheduleId)).toBe('cancelled');
    expect(await count('Bull cancelled')).toBe(0);
  }, 30_000);

  it('two BullMQ runners (two workers on one queue) and the poll racing publish a due post once', async () => {
    const { startScheduleRunner } = await import('../../src/schedules/index.js');
    const { logger } = (await import('../integration/helpers.js')).silentLogger();
    const second = await startScheduleRunner({
      service: h.host.schedules,
      callTool: (r) => h.host.callTool(r),
      logger,
      redisUrl: redisUrl!,
      prefix,
      pollMs: 3_600_000,
    });
    try {
      const { scheduleId } = await schedulePost(h.host, 'acme', 'Bull raced', new Date(Date.now() + 2_000).toISOString());
      await until(async () => ((await statusOf(scheduleId)) === 'published' ? true : undefined), 10_000);
      await Promise.all([h.runner.tick(), second.tick()]);
      expect(await statusOf(scheduleId)).toBe('published');
      expect(await count('Bull raced')).toBe(1);
      expect((await h.host.schedules.store.byId(await wsId(), scheduleId))!.attempts).toBe(1);
    } finally {
      await second.close();
    }
  }, 30_000);
});
