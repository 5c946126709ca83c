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
/** A hang guard for what a delayed job does (a loaded 2-core CI machine is seconds late), not a budget. */
const GUARD_MS = 60_000;
/** How late a due post may publish: the pipeline call that publishes it takes seconds on a loaded machine. */
const LATE_MS = 15_000;
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

  it(
    'a post 12 s ahead is published on time (not early, late by seconds at most; at once if the host is back later) by its delayed job, once, across a restart at 3 s',
    async () => {
      expect(h.runner.backend).toBe('bullmq');
      const at = Date.now() + 12_000;
      const { scheduleId } = await schedulePost(h.host, 'acme', 'Bull restart', new Date(at).toISOString());
      await sleep(3000);
      await h.close();
      h = await bootBull();
      // on a loaded machine the host may be back after its time: then it is due at once, not at its time
      const due = Math.max(at, Date.now());
      const published = await until(async () => (await posts(h.host, 'acme')).find((p) => p.text === 'Bull restart'), GUARD_MS);
      expect(published).toBeDefined();
      expect(Date.parse(published!.recordedAt)).toBeGreaterThanOrEqual(at - 5000);
      expect(Date.parse(published!.recordedAt) - due).toBeLessThanOrEqual(LATE_MS);
      expect(await statusOf(scheduleId)).toBe('published');
      await sleep(1000);
      expect(await count('Bull restart')).toBe(1);
    },
    4 * GUARD_MS,
  );

  it(
    'a moved post fires at the new time only (the old job claims nothing); a cancelled one never fires',
    async () => {
      // the old time far enough ahead that the move and the cancel land before it on a loaded machine too (2 s did not)
      const oldAt = Date.now() + 8_000;
      const moved = await schedulePost(h.host, 'acme', 'Bull moved', new Date(oldAt).toISOString());
      const cancelled = await schedulePost(h.host, 'acme', 'Bull cancelled', new Date(oldAt).toISOString());
      const newAt = oldAt + 6_000;
      await h.host.schedules.move(await wsId(), moved.scheduleId, new Date(newAt).toISOString());
      await h.host.schedules.cancel(await wsId(), cancelled.scheduleId);
      expect(Date.now(), 'the move and the cancel were made before the old time').toBeLessThan(oldAt);
      await sleep(oldAt + 2_000 - Date.now()); // the old time has passed
      expect(await count('Bull moved')).toBe(0);
      expect(await statusOf(moved.scheduleId)).toBe('scheduled');
      const published = await until(async () => (await posts(h.host, 'acme')).find((p) => p.text === 'Bull moved'), GUARD_MS);
      // fired by the new job: not before its time, and on time (late only by what a loaded machine adds)
      expect(Date.parse(published!.recordedAt)).toBeGreaterThanOrEqual(newAt - 1000);
      expect(Date.parse(published!.recordedAt) - newAt).toBeLessThanOrEqual(LATE_MS);
      expect(await statusOf(cancelled.scheduleId)).toBe('cancelled');
      expect(await count('Bull cancelled')).toBe(0);
    },
    4 * GUARD_MS,
  );

  it(
    'two BullMQ runners (two workers on one queue) and the poll racing publish a due post once',
    async () => {
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
        await until(async () => ((await statusOf(scheduleId)) === 'published' ? true : undefined), GUARD_MS);
        await Promise.all([h.runner.tick(), second.tick()]);
        expect(await statusOf(scheduleId)).toBe('published');
        expect(await count('Bull raced')).toBe(1);
        expect((await h.host.schedules.store.byId(await wsId(), scheduleId))!.attempts).toBe(1);
      } finally {
        await second.close();
      }
    },
    4 * GUARD_MS,
  );
});
