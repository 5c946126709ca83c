import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { removeRoot } from '../integration/helpers.js';
import { type Booted, boot, owner, posts, schedulePost, scheduleRoot, sleep, testClock, until } from './fixture.js';

/**
 * Schedules that fire, on the embedded default (PGlite, the database-polled timer): the social agent's calendar
 * posts and the e-mail agent's schedules are published by the host itself, through the call pipeline, across host
 * restarts, once. The scheduler reads a clock the tests move ahead (testClock), so "two minutes" takes seconds;
 * one test runs on the real clock only.
 */
let root: string;
const clock = testClock();
let h: Booted;

beforeAll(async () => {
  root = await scheduleRoot('schedules-fire');
  h = await boot(root, { clock });
  const { workspace } = await import('./fixture.js');
  await workspace(h.host, 'acme');
}, 120_000);

afterAll(async () => {
  await h?.close();
  removeRoot(root);
});

const statusOf = async (id: string) => (await h.host.schedules.get((await h.host.storage.service.resolveWorkspace('acme')).id, id)).status;

describe('a calendar post scheduled two minutes ahead, with a host restart in between', () => {
  it('is published at its time (not before), once, by the restarted host', async () => {
    const at = new Date(clock.now() + 120_000);
    const { entry, scheduleId } = await schedulePost(h.host, 'acme', 'Two minutes from now', at.toISOString());
    expect(entry.scheduledAt).toBe(at.toISOString());
    // The host stops 1 s later; it is down while the scheduler clock moves on 60 s (the downtime), then starts again.
    await sleep(1000);
    expect(await posts(h.host, 'acme')).toHaveLength(0);
    await h.close();
    clock.advance(60_000);
    h = await boot(root, { clock });
    // Up with about a minute to go: nothing published early. Then the clock moves to 2 s before the post's time, so
    // the restarted host's own timer fires it (not the catch-up at start), however long the boot took on a loaded
    // machine (a fixed 100 s downtime left too little once a boot took 17 s).
    expect(at.getTime() - clock.now()).toBeGreaterThan(2000);
    expect(await posts(h.host, 'acme')).toHaveLength(0);
    expect(await statusOf(scheduleId)).toBe('scheduled');
    clock.advance(at.getTime() - 2000 - clock.now());
    // A wait, not a budget: the runner polls each second; a cap of a minute only turns a post that never fires into a failure.
    const published = await until(async () => (await posts(h.host, 'acme'))[0], 60_000);
    expect(published, 'the restarted host published the post').toBeDefined();
    const schedule = await h.host.schedules.get((await h.host.storage.service.resolveWorkspace('acme')).id, scheduleId);
    expect(schedule.status).toBe('published');
    // At its time, never before: the scheduler fired once its clock reached it, and the sandbox recorded it once
    // the real clock reached the moment the scheduler clock showed it.
    expect(Date.parse(schedule.firedAt!)).toBeGreaterThanOrEqual(at.getTime());
    expect(Date.parse(published!.recordedAt)).toBeGreaterThanOrEqual(clock.realTimeOf(at.getTime()));
    expect(published!.idempotencyKey).toBe(entry.entryId);
    await sleep(1500); // another poll or two: nothing more
    expect(await posts(h.host, 'acme')).toHaveLength(1);
  }, 120_000);
});

describe('on the real clock', () => {
  it('a post 12 s ahead is published at its time (not before) after a restart at 3 s', async () => {
    const t0 = Date.now(); // real now (this was once computed as real now minus the clock's offset: no wait at all)
    const at = clock.now() + 12_000;
    const realAt = clock.realTimeOf(at);
    const before = (await posts(h.host, 'acme')).length;
    const { scheduleId } = await schedulePost(h.host, 'acme', 'Twelve seconds', new Date(at).toISOString());
    await sleep(Math.max(0, t0 + 3000 - Date.now()));
    await h.close();
    h = await boot(root, { clock });
    // A wait, not a budget (the cap only turns "never" into a failure): a boot slower than 9 s on a loaded machine
    // makes the post due while the host is down, and it is then published at start, late but once.
    const published = await until(async () => (await posts(h.host, 'acme')).find((p) => p.text === 'Twelve seconds'), 60_000);
    expect(published).toBeDefined();
    expect(Date.parse(published!.recordedAt)).toBeGreaterThanOrEqual(realAt);
    expect(await statusOf(scheduleId)).toBe('published');
    expect((await posts(h.host, 'acme')).filter((p) => p.text === 'Twelve seconds')).toHaveLength(1);
    expect((await posts(h.host, 'acme')).length).toBe(before + 1);
  }, 120_000);
});

describe('downtime, moves, cancels and double fires (the scheduler clock moved by the test)', () => {
  it('a post due while the host was down is published when it starts, once', async () => {
    const { scheduleId } = await schedulePost(h.host, 'acme', 'Due during downtime', new Date(clock.now() + 30_000).toISOString());
    await h.close();
    clock.advance(60_000);
    h = await boot(root, { clock });
    await until(async () => ((await statusOf(scheduleId)) === 'published' ? true : undefined), 10_000);
    expect(await statusOf(scheduleId)).toBe('published');
    expect((await posts(h.host, 'acme')).filter((p) => p.text === 'Due during downtime')).toHaveLength(1);
    await h.runner.tick();
    expect((await posts(h.host, 'acme')).filter((p) => p.text === 'Due during downtime')).toHaveLength(1);
  }, 60_000);

  it('a moved post fires at the new time only', async () => {
    const ws = (await h.host.storage.service.resolveWorkspace('acme')).id;
    const { scheduleId } = await schedulePost(h.host, 'acme', 'Moved', new Date(clock.now() + 60_000).toISOString());
    const to = clock.now() + 300_000;
    expect((await h.host.schedules.move(ws, scheduleId, new Date(to).toISOString())).runAt).toBe(new Date(to).toISOString());
    clock.advance(120_000); // past the old time
    await h.runner.tick();
    expect(await statusOf(scheduleId)).toBe('scheduled');
    expect((await posts(h.host, 'acme')).filter((p) => p.text === 'Moved')).toHaveLength(0);
    clock.advance(181_000); // past the new time
    await h.runner.tick();
    expect(await statusOf(scheduleId)).toBe('published');
    const fired = await h.host.schedules.get(ws, scheduleId);
    expect(Date.parse(fired.firedAt!)).toBeGreaterThanOrEqual(to);
    expect((await posts(h.host, 'acme')).filter((p) => p.text === 'Moved')).toHaveLength(1);
  });

  it('a cancelled post never fires, and the agent calendar shows it cancelled', async () => {
    const ws = (await h.host.storage.service.resolveWorkspace('acme')).id;
    const { entry, scheduleId } = await schedulePost(h.host, 'acme', 'Cancelled', new Date(clock.now() + 60_000).toISOString());
    expect((await h.host.schedules.cancel(ws, scheduleId)).status).toBe('cancelled');
    clock.advance(3_600_000);
    await h.runner.tick();
    expect(await statusOf(scheduleId)).toBe('cancelled');
    expect((await posts(h.host, 'acme')).filter((p) => p.text === 'Cancelled')).toHaveLength(0);
    const cal = await h.host.callTool({
      workspace: 'acme',
      tool: 'agent-social:calendar',
      input: { from: new Date(0).toISOString(), to: new Date(clock.now() + 86_400_000).toISOString() },
      actor: owner,
    });
    const listed = (cal as { output: { entries: { entryId: string; status: string }[] } }).output.entries.find(
      (e) => e.entryId === entry.entryId,
    );
    expect(listed?.status).toBe('cancelled');
  });

  it('two runners racing for the same due post publish it once', async () => {
    const { startScheduleRunner } = await import('../../src/schedules/index.js');
    const { logger } = (await import('../integration/helpers.js')).silentLogger();
    // Two runners of their own (as two hosts would have), polling rarely so the ticks below race each other.
    await h.runner.close();
    const start = () => startScheduleRunner({ service: h.host.schedules, callTool: (r) => h.host.callTool(r), logger, pollMs: 3_600_000 });
    const [one, two] = [await start(), await start()];
    try {
      const { scheduleId } = await schedulePost(h.host, 'acme', 'Raced', new Date(clock.now() + 60_000).toISOString());
      clock.advance(61_000);
      const [a, b] = await Promise.all([one.tick(), two.tick()]);
      expect(a + b).toBe(1);
      expect(await statusOf(scheduleId)).toBe('published');
      expect((await posts(h.host, 'acme')).filter((p) => p.text === 'Raced')).toHaveLength(1);
      const row = await h.host.schedules.store.byId((await h.host.storage.service.resolveWorkspace('acme')).id, scheduleId);
      expect(row!.attempts).toBe(1);
    } finally {
      await one.close();
      h.runner = two;
    }
  });

  it('a host that died after posting but before recording: the next host runs it again with the same key, nothing posts twice', async () => {
    const ws = (await h.host.storage.service.resolveWorkspace('acme')).id;
    const { entry, scheduleId } = await schedulePost(h.host, 'acme', 'Crashed mid-call', new Date(clock.now() + 60_000).toISOString());
    clock.advance(61_000);
    // The dying host claims it (lease 1 s) and its publish call goes out, then it dies before recording the outcome.
    const [claimed] = await h.host.schedules.store.claimDue(new Date(clock.now()), 1000, 1);
    expect(claimed!.id).toBe(scheduleId);
    const out = await h.host.callTool({
      workspace: ws,
      tool: 'agent-social:publish',
      input: { entryId: entry.entryId },
      actor: owner,
      idempotencyKey: `schedule:${scheduleId}`,
    });
    expect(out.status).toBe('ok');
    expect(await statusOf(scheduleId)).toBe('running');
    clock.advance(2000); // the lease is over
    await h.runner.tick();
    const after = await h.host.schedules.get(ws, scheduleId);
    expect(after).toMatchObject({ status: 'published', attempts: 2 });
    expect((await posts(h.host, 'acme')).filter((p) => p.text === 'Crashed mid-call')).toHaveLength(1);
  });

  it('a failed call shows as failed with its reason', async () => {
    const ws = (await h.host.storage.service.resolveWorkspace('acme')).id;
    const { scheduleId } = await schedulePost(h.host, 'acme', 'Connector off', new Date(clock.now() + 60_000).toISOString());
    await h.host.storage.service.disablePlugin(ws, 'connector-social-sandbox');
    try {
      clock.advance(61_000);
      await h.runner.tick();
    } finally {
      await h.host.storage.service.enablePlugin(ws, 'connector-social-sandbox');
    }
    const failed = await h.host.schedules.get(ws, scheduleId);
    expect(failed.status).toBe('failed');
    expect(failed.error?.code).toBe('NH_TOOL_NOT_ENABLED');
    expect(failed.error?.message).toContain('connector-social-sandbox');
    // moving a failed one schedules it again; it then publishes
    await h.host.schedules.move(ws, scheduleId, new Date(clock.now() + 10_000).toISOString());
    clock.advance(11_000);
    await h.runner.tick();
    expect(await statusOf(scheduleId)).toBe('published');
  });
});
