import type { Orchestrator, RunView } from '@neonhub/orchestrator';
import type { RunEvent } from '@neonhub/schemas';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Host } from '../../src/host.js';
import { registerRunRoutes } from '../../src/runs/index.js';
import { createRuns } from '../../src/runs/service.js';
import { installAuthorization } from '../../src/server/authorize.js';
import { installErrorHandling } from '../../src/server/errors.js';
import { scopeDepsFromHost } from '../../src/server/scopes.js';
import { bootHost, lockRoot, makeRoot, removeRoot, repoPlugin } from '../integration/helpers.js';

/** The real first-party plugins, linked from plugins/ and pinned in a lock of this test's own root. */
const PLUGINS = [
  'governance',
  'data-trust',
  'agent-content',
  'agent-email',
  'connector-email-sandbox',
  'agent-social',
  'connector-social-sandbox',
  'agent-seo',
];
const operator = { type: 'user' as const, id: 'tester', role: 'owner' as const };
const GOAL = 'launch our spring sale on email and social';

let host: Host;
let runs: Orchestrator;
let app: FastifyInstance;
let root: string | undefined;

beforeAll(async () => {
  root = makeRoot(
    'runs-spring',
    PLUGINS.map((id) => ({ from: repoPlugin(id), link: true })),
  );
  await lockRoot(root);
  host = await bootHost(root);
  expect(host.problems).toEqual([]);
  const ws = host.storage.service;
  await ws.createWorkspace({ slug: 'acme' });
  for (const id of PLUGINS) await ws.enablePlugin('acme', id);
  // Governance holds every external call for a person. The connector sends the agents make while executing an
  // approved call are covered by that approval (one approval, one send): no tool needs exempting.
  await host.callTool({
    workspace: 'acme',
    tool: 'governance:set_policy',
    input: { policy: { requireApproval: { sideEffects: ['external'] } } },
    actor: operator,
  });
  runs = await createRuns(host, { concurrency: 4 });
  app = Fastify();
  installErrorHandling(app);
  installAuthorization(app);
  // the operator (the scopes resolve its role: owner of every workspace)
  app.addHook('onRequest', async (request) => {
    request.principal = { type: 'operator' };
  });
  await registerRunRoutes(app, { orchestrator: runs, actor: () => operator, scope: scopeDepsFromHost(host) });
  await app.ready();
}, 120_000);

afterAll(async () => {
  await app?.close();
  await runs?.close();
  await host?.close();
  removeRoot(root);
});

describe('"launch our spring sale on email and social" on the offline model through a real host', () => {
  let view: RunView;

  it('plans a DAG: drafts for email and social in parallel, compose, approval-held send and publish, SEO and provenance', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/api/workspaces/acme/runs',
      payload: { goal: GOAL, params: { recipients: ['ada@example.com', 'grace@example.com'] } },
    });
    expect(res.statusCode).toBe(201);
    view = res.json();
    expect(view.run.planner).toBe('offline');
    const byId = Object.fromEntries(view.steps.map((s) => [s.id, s]));
    expect(Object.keys(byId).sort()).toEqual(
      [
        'compose_email',
        'compose_social',
        'draft_email',
        'draft_social',
        'provenance_email',
        'provenance_social',
        'publish_social',
        'send_email',
        'seo_analysis',
      ].sort(),
    );
    expect(byId.draft_email!.dependsOn).toEqual([]);
    expect(byId.draft_social!.dependsOn).toEqual([]);
    expect(byId.compose_email!.dependsOn).toEqual(['draft_email']);
    expect(byId.send_email!).toMatchObject({ tool: 'agent-email:send', dependsOn: ['compose_email'], needsApproval: true });
    expect(byId.publish_social!).toMatchObject({ tool: 'agent-social:publish', dependsOn: ['compose_social'], needsApproval: true });
    // titles name the network as people write it (`each.labels`), the input keeps its id
    expect(byId.publish_social!).toMatchObject({ title: 'Publish the LinkedIn post', input: { network: 'linkedin' } });
    expect(byId.compose_social!.title).toBe('Compose the LinkedIn post');
    expect(byId.seo_analysis!.tool).toBe('agent-seo:analyze_page');
  });

  it('runs independent steps in parallel and pauses at the external sends for approval', async () => {
    const paused = await runs.waitFor(view.run.id, ['waiting_approval', 'failed', 'succeeded'], 60_000);
    expect(paused.run.status).toBe('waiting_approval');
    const s = Object.fromEntries(paused.steps.map((x) => [x.id, x]));
    for (const id of [
      'draft_email',
      'draft_social',
      'compose_email',
      'compose_social',
      'seo_analysis',
      'provenance_email',
      'provenance_social',
    ])
      expect(s[id]!.status, id).toBe('succeeded');
    expect(s.send_email!.status).toBe('waiting_approval');
    expect(s.publish_social!.status).toBe('waiting_approval');
    expect(s.send_email!.approvalId).toBeTruthy();
    // The two drafts overlapped in time: each started before the other finished.
    const a = s.draft_email!;
    const b = s.draft_social!;
    expect(Date.parse(a.startedAt!)).toBeLessThan(Date.parse(b.finishedAt!));
    expect(Date.parse(b.startedAt!)).toBeLessThan(Date.parse(a.finishedAt!));
    // Nothing was sent before approval.
    const outbox = await host.callTool({ workspace: 'acme', tool: 'connector-email-sandbox:outbox', input: {}, actor: operator });
    expect((outbox as { output: { messages: unknown[] } }).output.messages).toHaveLength(0);
  });

  it('lists the runs holding a step for a decision in one request, with all their steps; a bad limit is a clear 400', async () => {
    const other = await app.inject({
      method: 'POST',
      url: '/api/workspaces/acme/runs',
      payload: { goal: 'analyze a page', plan: { steps: [{ id: 'analyze', tool: 'agent-seo:analyze_page', input: { text: 'Hi.' } }] } },
    });
    expect(other.statusCode, other.body).toBe(201);
    await runs.waitFor(other.json().run.id, ['succeeded', 'failed'], 30_000);
    const res = await app.inject({ method: 'GET', url: '/api/workspaces/acme/runs/waiting' });
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json() as { runs: RunView[] };
    // only the spring sale holds steps; its other steps come along (a held step's input names their outputs)
    expect(body.runs.map((r) => r.run.id)).toEqual([view.run.id]);
    const steps = body.runs[0]!.steps;
    expect(steps.map((x) => x.id)).toEqual(view.steps.map((x) => x.id));
    expect(
      steps
        .filter((x) => x.status === 'waiting_approval')
        .map((x) => x.id)
        .sort(),
    ).toEqual(['publish_social', 'send_email']);
    expect(steps.find((x) => x.id === 'compose_email')!.output).toBeTruthy();
    const limited = await app.inject({ method: 'GET', url: '/api/workspaces/acme/runs/waiting?limit=0' });
    expect(limited.statusCode).toBe(400);
    expect(limited.json().error.code).toMatch(/^NH_/);
  });

  it('resumes after approval: the held calls run once, and the run succeeds', async () => {
    for (const stepId of ['send_email', 'publish_social']) {
      const res = await app.inject({
        method: 'POST',
        url: `/api/runs/${view.run.id}/steps/${stepId}/approve`,
        payload: { note: 'looks good' },
      });
      expect(res.statusCode, res.body).toBe(200);
    }
    const done = await runs.waitFor(view.run.id, ['succeeded', 'failed'], 60_000);
    expect(done.run.status, JSON.stringify(done.steps.map((x) => [x.id, x.status, x.error]))).toBe('succeeded');
    const send = done.steps.find((x) => x.id === 'send_email')!.output as { status: string; counts: Record<string, number> };
    expect(send.status).toBe('sent');
    const outbox = (await host.callTool({ workspace: 'acme', tool: 'connector-email-sandbox:outbox', input: {}, actor: operator })) as {
      output: { messages: { to: unknown }[] };
    };
    expect(outbox.output.messages).toHaveLength(2);
    const posts = (await host.callTool({ workspace: 'acme', tool: 'connector-social-sandbox:posts', input: {}, actor: operator })) as {
      output: { posts: unknown[] };
    };
    expect(posts.output.posts).toHaveLength(1);
    // One approval per send: the connector calls made under the granted approvals were not held again.
    const requested = (await runs.events(view.run.id)).filter((e) => e.type === 'approval.requested');
    expect(requested.map((e) => e.stepId).sort()).toEqual(['publish_social', 'send_email']);
    // A second approve is a no-op that reports the real state, and sends nothing again.
    const again = await app.inject({ method: 'POST', url: `/api/runs/${view.run.id}/steps/send_email/approve`, payload: {} });
    expect(again.statusCode, again.body).toBe(200);
    expect(again.json().run.status).toBe('succeeded');
    const after = (await host.callTool({ workspace: 'acme', tool: 'connector-email-sandbox:outbox', input: {}, actor: operator })) as {
      output: { messages: unknown[] };
    };
    expect(after.output.messages).toHaveLength(2);
    // nothing of it waits any more
    const waiting = await app.inject({ method: 'GET', url: '/api/workspaces/acme/runs/waiting' });
    expect(waiting.json()).toEqual({ runs: [] });
  });

  it('stored the drafts (agent-content) and their provenance (data-trust)', async () => {
    const done = await runs.get(view.run.id);
    const draft = done.steps.find((x) => x.id === 'draft_email')!.output as { draftId: string; text: string };
    const stored = (await host.callTool({
      workspace: 'acme',
      tool: 'agent-content:get_draft',
      input: { draftId: draft.draftId },
      actor: operator,
    })) as { output: { text?: string } };
    expect(JSON.stringify(stored.output)).toContain(draft.text.slice(0, 40));
    const prov = (await host.callTool({
      workspace: 'acme',
      tool: 'data-trust:get_provenance',
      input: { artifactId: draft.draftId },
      actor: operator,
    })) as { output: unknown };
    expect(JSON.stringify(prov.output)).toContain('agent-content:draft');
  });

  it('streams the stored events over the WebSocket from a cursor', async () => {
    const all = await runs.events(view.run.id);
    const cursor = all[2]!.id!;
    const got: RunEvent[] = [];
    let socket: { close(): void } | undefined;
    await new Promise<void>((resolve, reject) => {
      void app
        .injectWS(
          `/api/runs/${view.run.id}/events?after=${cursor}`,
          {},
          {
            onInit: (ws) => {
              socket = ws;
              ws.on('message', (m: Buffer) => {
                got.push(JSON.parse(String(m)));
                if (got.length === all.length - 3) resolve();
              });
            },
          },
        )
        .catch(reject);
    });
    socket!.close();
    expect(got.map((e) => e.id)).toEqual(all.slice(3).map((e) => e.id));
    // the run's last status is succeeded (a results summary, run.summary, may follow it)
    expect(got.filter((e) => e.type === 'run.status').at(-1)).toMatchObject({ type: 'run.status', data: { status: 'succeeded' } });
  });

  it('refuses a plan with an unknown tool or bad input, storing nothing', async () => {
    const before = (await runs.list('acme')).length;
    const bad = await app.inject({
      method: 'POST',
      url: '/api/workspaces/acme/runs',
      payload: { goal: 'x', plan: { steps: [{ id: 'a', tool: 'agent-nope:do', input: {} }] } },
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.code).toBe('NH_RUN_PLAN_TOOL_UNKNOWN');
    const input = await app.inject({
      method: 'POST',
      url: '/api/workspaces/acme/runs',
      payload: { goal: 'x', plan: { steps: [{ id: 'a', tool: 'agent-content:draft', input: { kind: 'fax', topic: 'hi there' } }] } },
    });
    expect(input.json().error.code).toBe('NH_RUN_PLAN_INPUT_INVALID');
    const cycle = await app.inject({
      method: 'POST',
      url: '/api/workspaces/acme/runs',
      payload: {
        goal: 'x',
        plan: {
          steps: [
            { id: 'a', tool: 'agent-seo:analyze_page', dependsOn: ['b'] },
            { id: 'b', tool: 'agent-seo:analyze_page', dependsOn: ['a'] },
          ],
        },
      },
    });
    expect(cycle.json().error.code).toBe('NH_RUN_PLAN_INVALID');
    expect((await runs.list('acme')).length).toBe(before);
  });
});
