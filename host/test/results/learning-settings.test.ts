import pino from 'pino';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { CallTool } from '../../src/pipeline/call-tool.js';
import { ensureLearningSchedules, LEARNING_TASK, learningTask } from '../../src/results/learning.js';
import { SYSTEM_OWNER } from '../../src/schedules/index.js';
import { bootAccounts, signup } from '../accounts/helpers.js';

/**
 * The learning loop's settings: per workspace on/off, interval and metric, read by a viewer, changed by an admin
 * (GET/PUT /api/workspaces/:ws/results/settings), refused with a code when bad; the system schedule follows them and
 * each pass scores by the metric (what the pass asks agent-content's learn_from_results, through the pipeline).
 */
type User = Awaited<ReturnType<typeof signup>>;
let b: Awaited<ReturnType<typeof bootAccounts>>;
let owner: User;
let admin: User;
let member: User;
let viewer: User;
let workspaceId: string;
let url: string;

const inject = (user: User, method: 'GET' | 'PUT', payload?: Record<string, unknown>) =>
  b.app.inject({ method, url, headers: user.auth, ...(payload ? { payload } : {}) });
const row = () => b.host.schedules.store.byKey(workspaceId, SYSTEM_OWNER, LEARNING_TASK.tool);

beforeAll(async () => {
  b = await bootAccounts({}, ['agent-content']);
  [owner, admin, member, viewer] = (await Promise.all(['owner', 'admin', 'member', 'viewer'].map((n) => signup(b.app, n)))) as [
    User,
    User,
    User,
    User,
  ];
}, 180_000);
afterAll(() => b?.close());

/** Each test starts from a workspace of its own (the default settings, its system schedules, the same members). */
let made = 0;
beforeEach(async () => {
  const slug = `shop-${++made}`;
  url = `/api/workspaces/${slug}/results/settings`;
  workspaceId = (await b.app.inject({ method: 'POST', url: '/api/workspaces', headers: owner.auth, payload: { slug } })).json().workspace
    .id;
  for (const [u, role] of [
    [admin, 'admin'],
    [member, 'member'],
    [viewer, 'viewer'],
  ] as const) {
    const r = await b.app.inject({
      method: 'POST',
      url: `/api/workspaces/${slug}/members`,
      headers: owner.auth,
      payload: { email: u.email, role },
    });
    expect(r.statusCode, r.body).toBe(201);
  }
  expect(
    (await b.app.inject({ method: 'POST', url: `/api/workspaces/${slug}/plugins/agent-content/enable`, headers: owner.auth })).statusCode,
  ).toBe(200);
});

describe('learning settings', () => {
  it('a viewer reads them: on, every 60 minutes, by clicks, the next pass scheduled since the workspace was made', async () => {
    const r = await inject(viewer, 'GET');
    expect(r.statusCode, r.body).toBe(200);
    const body = r.json();
    expect(body).toMatchObject({ learningEnabled: true, learningEveryMinutes: 60, learningMetric: 'clicked' });
    expect(body.nextLearningAt).toBe(new Date((await row())!.run_at).toISOString());
  });

  it('only an admin changes them; bad values are 400 NH_REQUEST_INVALID and change nothing', async () => {
    for (const u of [viewer, member]) {
      const r = await inject(u, 'PUT', { learningEnabled: false });
      expect(r.statusCode).toBe(403);
    }
    for (const payload of [
      { learningEveryMinutes: 5 },
      { learningEveryMinutes: 10_081 },
      { learningEveryMinutes: 60.5 },
      { learningMetric: 'likes' },
      { learningEnabled: 'no' },
    ]) {
      const r = await inject(admin, 'PUT', payload);
      expect(r.statusCode, JSON.stringify(payload)).toBe(400);
      expect(r.json().error.code).toBe('NH_REQUEST_INVALID');
    }
    expect((await inject(viewer, 'GET')).json()).toMatchObject({
      learningEnabled: true,
      learningEveryMinutes: 60,
      learningMetric: 'clicked',
    });
    expect((await row())!.status).toBe('scheduled');
  });

  it('the pass scores by the metric set and runs again the interval set later', async () => {
    const saved = (await inject(admin, 'PUT', { learningEveryMinutes: 240, learningMetric: 'opened' })).json();
    expect(saved).toMatchObject({ learningEnabled: true, learningEveryMinutes: 240, learningMetric: 'opened' });
    // the metrics settings are left as they were
    expect(saved).toMatchObject({ metricsEnabled: true, metricsEveryMinutes: 60, metricsDays: 7 });
    const asked: { tool: string; input: unknown }[] = [];
    // the host's pipeline, with each call the pass makes written down
    const callTool: CallTool = Object.assign((req: Parameters<CallTool>[0]) => {
      asked.push({ tool: req.tool, input: req.input });
      return b.host.callTool(req);
    }, b.host.callTool);
    const at = new Date('2026-12-07T10:00:00Z');
    const task = learningTask({
      db: b.host.storage.db,
      callTool,
      contracts: b.host.contracts,
      manifest: (id) => b.host.registry.plugin(id)?.manifest,
      logger: pino({ level: 'silent' }),
      owner: SYSTEM_OWNER,
      now: () => at,
    });
    const current = (await row())!;
    const ran = await task.run({ id: current.id, workspace_id: workspaceId, version: current.version });
    expect(asked).toEqual([{ tool: 'agent-content:learn_from_results', input: { metric: 'opened' } }]);
    expect(ran.result).toMatchObject({ metric: 'opened', prompts: { tool: 'agent-content:learn_from_results', status: 'scored' } });
    expect(ran.nextRunAt).toEqual(new Date(at.getTime() + 240 * 60_000));
  });

  it('a shorter interval brings the next pass closer; off cancels it (and it is not made again); on schedules it at once', async () => {
    const before = Date.now();
    const shorter = (await inject(admin, 'PUT', { learningEveryMinutes: 15, learningMetric: 'opened' })).json();
    expect(Date.parse(shorter.nextLearningAt)).toBeLessThanOrEqual(Date.now() + 15 * 60_000);

    const off = (await inject(owner, 'PUT', { learningEnabled: false })).json();
    expect(off).toMatchObject({ learningEnabled: false, learningEveryMinutes: 15, learningMetric: 'opened', nextLearningAt: null });
    expect((await row())!.status).toBe('cancelled');
    await ensureLearningSchedules(b.host.storage.db, SYSTEM_OWNER, new Date(), workspaceId);
    expect((await row())!.status).toBe('cancelled');

    const on = (await inject(admin, 'PUT', { learningEnabled: true })).json();
    expect(on).toMatchObject({ learningEnabled: true, learningEveryMinutes: 15, learningMetric: 'opened' });
    expect((await row())!.status).toBe('scheduled');
    expect(Date.parse(on.nextLearningAt)).toBeGreaterThanOrEqual(before);
    expect(Date.parse(on.nextLearningAt)).toBeLessThanOrEqual(Date.now());
  });

  it('a pass that finds learning off does nothing and is not scheduled again', async () => {
    await inject(admin, 'PUT', { learningEnabled: false });
    const task = learningTask({
      db: b.host.storage.db,
      callTool: Object.assign(() => {
        throw new Error('no call when learning is off');
      }, b.host.callTool),
      contracts: b.host.contracts,
      manifest: () => undefined,
      logger: pino({ level: 'silent' }),
      owner: SYSTEM_OWNER,
    });
    expect(await task.run({ id: 'x', workspace_id: workspaceId, version: 1 })).toEqual({ result: { off: true }, nextRunAt: null });
  });
});
