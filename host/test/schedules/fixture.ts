import { loadConfig } from '../../src/config.js';
import { createHost, type Host } from '../../src/host.js';
import { type ScheduleRunner, startScheduleRunner } from '../../src/schedules/index.js';
import { lockRoot, makeRoot, repoPlugin, silentLogger } from '../integration/helpers.js';

export const PLUGINS = ['agent-social', 'connector-social-sandbox', 'agent-email', 'connector-email-sandbox'];
export const owner = { type: 'user' as const, id: 'owner-1', role: 'owner' as const };

/** A clock the test moves ahead of real time (the scheduler reads only this one). */
export function testClock() {
  let offset = 0;
  return {
    now: () => Date.now() + offset,
    advance(ms: number) {
      offset += ms;
    },
    /** The real time at which this clock shows `at`. */
    realTimeOf: (at: number) => at - offset,
  };
}
export type TestClock = ReturnType<typeof testClock>;

/** A root with the agents and sandbox connectors, locked. */
export async function scheduleRoot(name: string): Promise<string> {
  const root = makeRoot(
    name,
    PLUGINS.map((id) => ({ from: repoPlugin(id), link: true })),
  );
  await lockRoot(root);
  return root;
}

export interface Booted {
  host: Host;
  /** Replaceable: a test may swap in its own runner (closed with the host). */
  runner: ScheduleRunner;
  close(): Promise<void>;
}

/** One host process over the root's data directory, with its schedule runner (BullMQ when redisUrl is given). */
export async function boot(
  root: string,
  opts: { clock?: TestClock; redisUrl?: string; prefix?: string; pollMs?: number; leaseMs?: number } = {},
): Promise<Booted> {
  const { logger } = silentLogger();
  const config = loadConfig({ NEONHUB_DATA_DIR: '.neonhub', LOG_LEVEL: 'debug' }, root);
  const host = await createHost({ config, logger, seed: false, ...(opts.clock ? { clock: opts.clock } : {}) });
  const runner = await startScheduleRunner({
    service: host.schedules,
    callTool: (req) => host.callTool(req),
    logger,
    ...(opts.redisUrl ? { redisUrl: opts.redisUrl } : {}),
    ...(opts.prefix ? { prefix: opts.prefix } : {}),
    ...(opts.pollMs ? { pollMs: opts.pollMs } : {}),
    ...(opts.leaseMs ? { leaseMs: opts.leaseMs } : {}),
  });
  const booted: Booted = {
    host,
    runner,
    async close() {
      await booted.runner.close();
      await host.close();
    },
  };
  return booted;
}

/** Creates the workspace with the plugins enabled (once per root). */
export async function workspace(host: Host, slug: string): Promise<string> {
  const ws = await host.storage.service.createWorkspace({ slug });
  for (const id of PLUGINS) await host.storage.service.enablePlugin(ws.id, id);
  return ws.id;
}

/** Puts a post on the calendar through the pipeline, as a user would (agent-social:schedule). */
export async function schedulePost(host: Host, ws: string, text: string, scheduledAt: string, extra: Record<string, unknown> = {}) {
  const r = await host.callTool({
    workspace: ws,
    tool: 'agent-social:schedule',
    input: { network: 'x', text, scheduledAt, ...extra },
    actor: owner,
  });
  if (r.status !== 'ok') throw new Error(`schedule held: ${r.reason}`);
  const entry = r.output as { entryId: string; scheduledAt: string };
  const row = await host.schedules.store.byKey((await host.storage.service.resolveWorkspace(ws)).id, 'agent-social', entry.entryId);
  return { entry, scheduleId: row!.id };
}

/** What the sandbox connector recorded (each post once per idempotency key). */
export async function posts(host: Host, ws: string) {
  const r = await host.callTool({ workspace: ws, tool: 'connector-social-sandbox:posts', input: {}, actor: owner });
  return (r as { output: { posts: { postId: string; text: string; idempotencyKey: string; recordedAt: string }[] } }).output.posts;
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls `check` every 50 ms until it returns something (or `ms` pass). */
export async function until<T>(check: () => Promise<T | undefined>, ms: number): Promise<T | undefined> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await check();
    if (v !== undefined || Date.now() > end) return v;
    await sleep(50);
  }
}
