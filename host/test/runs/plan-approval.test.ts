import { join } from 'node:path';
import type { RunView } from '@neonhub/orchestrator';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CallRecord } from '../../src/pipeline/types.js';
import { buildApp } from '../../src/server/app.js';
import { apiThrough, bootHost, lockRoot, makeRoot, operatorInject, removeRoot, repoPlugin } from '../integration/helpers.js';

/**
 * A plan step marked `needsApproval` is held for a person also when the workspace has an approvals provider whose
 * policy would allow the call (host API 0.2.1: the call carries `approvalRequested`). Real host on PGlite, the real
 * governance plugin, runs through the API. The step reads (`connector-email-sandbox:outbox`), which governance's
 * default policy allows. `gatekeeper` (host/test/fixtures/contracts, host API ^0.2.0) is an approvals provider that
 * ignores the request: there the host refuses the call (NH_APPROVAL_NOT_HELD) and the step fails with it.
 */
const FIXTURES = join(import.meta.dirname, '../fixtures/contracts');
const READ = 'connector-email-sandbox:outbox';
const owner = { type: 'user' as const, id: 'owner-1', role: 'owner' as const };

type Booted = Awaited<ReturnType<typeof bootHost>>;
let root: string;
let host: Booted;
let app: FastifyInstance;
let inject: FastifyInstance['inject'];
const calls: (CallRecord & { slug?: string })[] = [];
const ids: Record<string, string> = {};

beforeAll(async () => {
  root = makeRoot('plan-approval', [
    { from: repoPlugin('connector-email-sandbox'), link: true },
    { from: repoPlugin('governance'), link: true },
    { from: join(FIXTURES, 'gatekeeper'), link: true },
  ]);
  await lockRoot(root);
  host = await bootHost(root);
  expect(host.problems).toEqual([]);
  const ws = host.storage.service;
  for (const slug of ['gov', 'strict', 'gk']) {
    await ws.createWorkspace({ slug });
    await ws.enablePlugin(slug, 'connector-email-sandbox');
    ids[slug] = (await ws.resolveWorkspace(slug)).id;
  }
  await ws.enablePlugin('gov', 'governance');
  await ws.enablePlugin('strict', 'governance');
  await ws.enablePlugin('gk', 'gatekeeper');
  host.onToolCall((r) => calls.push(r));
  app = await buildApp(host);
  inject = operatorInject(app, host);
}, 180_000);

afterAll(async () => {
  await app?.close();
  await host?.close();
  removeRoot(root);
});

const { api, untilRun: until } = apiThrough(() => inject);

const settled = (v: RunView) => ['succeeded', 'failed', 'cancelled'].includes(v.run.status);

/** Starts a run of one read step marked for approval in `slug`, through the API. */
async function startPeek(slug: string, goal: string): Promise<string> {
  const created = await api<RunView>('POST', `/api/workspaces/${slug}/runs`, {
    goal,
    plan: { steps: [{ id: 'peek', tool: READ, input: { limit: 5 }, needsApproval: true }] },
  });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  return created.body.run.id;
}

const readsIn = (slug: string, status: CallRecord['status']) =>
  calls.filter((c) => c.workspaceId === ids[slug] && c.tool === READ && c.status === status);

async function governanceApprovals(slug: string, status?: string) {
  const r = await host.callTool({ workspace: slug, tool: 'governance:list_approvals', input: status ? { status } : {}, actor: owner });
  if (r.status !== 'ok') throw new Error(`list_approvals: ${r.status}`);
  return (r.output as { approvals: { id: string; tool: string; status: string; reason: string; rule: string }[] }).approvals;
}

describe('a plan step marked needsApproval, governance enabled, no policy rule for the call', () => {
  let runId: string;
  let approvalId: string;

  it('waits for approval, held by governance (listed there), and the tool has not run', async () => {
    runId = await startPeek('gov', 'read the outbox after approval');
    const held = await until(runId, (v) => v.run.status === 'waiting_approval' || settled(v));
    const step = held.steps.find((s) => s.id === 'peek')!;
    expect(held.run.status, JSON.stringify(step)).toBe('waiting_approval');
    expect(step.status).toBe('waiting_approval');
    approvalId = step.approvalId!;
    expect(approvalId).toBeTruthy();
    expect(await governanceApprovals('gov', 'pending')).toEqual([
      expect.objectContaining({
        id: approvalId,
        tool: READ,
        status: 'pending',
        rule: 'requested',
        reason: 'the plan marks this step for approval',
      }),
    ]);
    const waiting = await api<{ runs: RunView[] }>('GET', '/api/workspaces/gov/runs/waiting');
    expect(waiting.body.runs.map((v) => v.run.id)).toEqual([runId]);
    expect(readsIn('gov', 'ok')).toEqual([]);
    expect(readsIn('gov', 'pending_approval')).toHaveLength(1);
  });

  it('approving it runs the tool exactly once and the run succeeds', async () => {
    const r = await api('POST', `/api/runs/${runId}/steps/peek/approve`, { note: 'fine' });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    const done = await until(runId, settled);
    const step = done.steps.find((s) => s.id === 'peek')!;
    expect(done.run.status, JSON.stringify(step)).toBe('succeeded');
    expect(step.output).toMatchObject({ messages: [], total: 0 });
    expect(readsIn('gov', 'ok')).toHaveLength(1);
    const [approval] = (await governanceApprovals('gov')).filter((a) => a.id === approvalId);
    expect(approval?.status).toBe('executed');
    // approving again changes nothing
    await api('POST', `/api/runs/${runId}/steps/peek/approve`, {});
    expect(readsIn('gov', 'ok')).toHaveLength(1);
  });

  it('rejecting it fails the step as any rejection does (NH_RUN_STEP_REJECTED), and the tool never runs', async () => {
    const before = readsIn('gov', 'ok').length;
    const id = await startPeek('gov', 'read the outbox, rejected');
    const held = await until(id, (v) => v.run.status === 'waiting_approval' || settled(v));
    expect(held.run.status).toBe('waiting_approval');
    const r = await api('POST', `/api/runs/${id}/steps/peek/reject`, { reason: 'not now' });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    const done = await until(id, settled);
    expect(done.run.status).toBe('failed');
    expect(done.steps.find((s) => s.id === 'peek')!.error).toMatchObject({ code: 'NH_RUN_STEP_REJECTED' });
    const approval = (await governanceApprovals('gov')).find((a) => a.id === held.steps[0]!.approvalId);
    expect(approval?.status).toBe('rejected');
    expect(readsIn('gov', 'ok')).toHaveLength(before);
  });

  it('a direct host call asking for approval is held too (pending_approval), and the same call without the request runs', async () => {
    const held = await host.callTool({
      workspace: 'gov',
      tool: READ,
      input: {},
      actor: owner,
      approvalRequested: { reason: 'the operator wants to look first' },
    });
    expect(held).toMatchObject({
      status: 'pending_approval',
      plugin: 'governance',
      reason: expect.stringContaining('the operator wants to look first'),
    });
    const plain = await host.callTool({ workspace: 'gov', tool: READ, input: {}, actor: owner });
    expect(plain.status).toBe('ok');
  });
});

describe('a deny rule still wins', () => {
  it('the step marked needsApproval fails with NH_TOOL_DENIED and no approval is opened', async () => {
    const set = await host.callTool({
      workspace: 'strict',
      tool: 'governance:set_policy',
      input: { policy: { deny: [READ] } },
      actor: owner,
    });
    expect(set.status).toBe('ok');
    const id = await startPeek('strict', 'read a denied outbox');
    const done = await until(id, settled);
    expect(done.run.status).toBe('failed');
    expect(done.steps.find((s) => s.id === 'peek')!.error).toMatchObject({ code: 'NH_TOOL_DENIED' });
    expect(await governanceApprovals('strict')).toEqual([]);
    expect(readsIn('strict', 'ok')).toEqual([]);
    expect(readsIn('strict', 'denied')).toHaveLength(1);
  });
});

describe('fail closed: an approvals provider that ignores the request', () => {
  it('the host does not run the tool: the step fails with NH_APPROVAL_NOT_HELD, visibly', async () => {
    const id = await startPeek('gk', 'read the outbox under an old provider');
    const done = await until(id, settled);
    const step = done.steps.find((s) => s.id === 'peek')!;
    expect(done.run.status).toBe('failed');
    expect(step.status).toBe('failed');
    expect(step.error).toMatchObject({ code: 'NH_APPROVAL_NOT_HELD' });
    expect(step.error?.message).toContain('the plan marks this step for approval');
    expect(done.run.error?.code).toBe('NH_APPROVAL_NOT_HELD');
    expect(readsIn('gk', 'ok')).toEqual([]);
    expect(readsIn('gk', 'denied').map((c) => c.errorCode)).toEqual(['NH_APPROVAL_NOT_HELD']);
  });

  it('a direct host call asking for approval is refused the same way', async () => {
    const err = await host
      .callTool({ workspace: 'gk', tool: READ, input: {}, actor: owner, approvalRequested: { reason: 'look first' } })
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'NH_APPROVAL_NOT_HELD', details: { tool: READ, workspace: 'gk' } });
    expect(readsIn('gk', 'ok')).toEqual([]);
  });
});
