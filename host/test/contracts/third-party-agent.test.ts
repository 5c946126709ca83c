import { join } from 'node:path';
import type { Orchestrator } from '@neonhub/orchestrator';
import { PluginManifestSchema } from '@neonhub/schemas';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRuns } from '../../src/runs/service.js';
import { bootHost, lockRoot, makeRoot, removeRoot, repoPlugin } from '../integration/helpers.js';

/**
 * A third-party agent plugin is planned by the offline planner from what its manifest says it serves
 * (`texter`, host/test/fixtures/contracts): no line of core names it, and it joins the first-party chains.
 */
const FIXTURES = join(import.meta.dirname, '../fixtures/contracts');
const PLUGINS = ['agent-content', 'agent-email', 'connector-email-sandbox'];
const actor = { type: 'user' as const, id: 'tester', role: 'owner' as const };

let root: string;
let host: Awaited<ReturnType<typeof bootHost>>;
let runs: Orchestrator;

beforeAll(async () => {
  root = makeRoot('contracts-planner', [
    ...PLUGINS.map((id) => ({ from: repoPlugin(id), link: true })),
    { from: join(FIXTURES, 'texter'), link: true },
  ]);
  await lockRoot(root);
  host = await bootHost(root);
  expect(host.problems).toEqual([]);
  const ws = host.storage.service;
  for (const slug of ['acme', 'plain']) {
    await ws.createWorkspace({ slug });
    for (const id of PLUGINS) await ws.enablePlugin(slug, id);
  }
  await ws.enablePlugin('acme', 'texter');
  runs = await createRuns(host, { concurrency: 2 });
}, 180_000);

afterAll(async () => {
  await runs?.close();
  await host?.close();
  removeRoot(root);
});

describe('a third-party agent declaring the goal it serves', () => {
  it('is planned for its goal: write → fit → send, the send held for approval', async () => {
    const { plan, planner } = await runs.plan('acme', 'remind our customers of the spring sale by sms', {
      recipients: ['ada@example.com', 'lin@example.com'],
    });
    expect(planner).toBe('offline');
    expect(plan.steps).toEqual([
      { id: 'draft_sms', tool: 'texter:write_text', title: 'Write the text message', input: { topic: expect.any(String) }, dependsOn: [] },
      {
        id: 'compose_sms',
        tool: 'texter:fit_text',
        title: 'Fit it into one message',
        input: { text: '{{steps.draft_sms.output.text}}' },
        dependsOn: ['draft_sms'],
      },
      {
        id: 'send_sms',
        tool: 'texter:send_text',
        title: 'Send it to 2 recipients',
        input: { text: '{{steps.compose_sms.output.text}}', recipients: [{ email: 'ada@example.com' }, { email: 'lin@example.com' }] },
        dependsOn: ['compose_sms'],
        needsApproval: true,
      },
    ]);
  });

  it('joins the first-party chains in one plan ("by email and text message")', async () => {
    const { plan } = await runs.plan('acme', 'announce the autumn catalogue by email and text message');
    expect(plan.steps.map((s) => [s.id, s.tool, s.dependsOn]).sort()).toEqual([
      ['compose_email', 'agent-email:compose', ['draft_email']],
      ['compose_sms', 'texter:fit_text', ['draft_sms']],
      ['draft_email', 'agent-content:draft', []],
      ['draft_sms', 'texter:write_text', []],
    ]);
    // the topic leaves out the channels, the third party's words included
    expect(plan.steps.find((s) => s.id === 'draft_sms')!.input).toEqual({ topic: 'autumn catalogue' });
    // no recipients: both sends are left out, each with a note
    expect(plan.notes).toEqual([
      expect.stringContaining('no recipients given: agent-email:send'),
      expect.stringContaining('no recipients given: texter:send_text'),
    ]);
  });

  it('runs: its steps execute through the pipeline and the send waits for a person', async () => {
    const view = await runs.start({
      workspace: 'acme',
      goal: 'remind our customers of the spring sale by sms',
      params: { recipients: ['ada@example.com'] },
      actor,
    });
    // woken by the run's status events; the 90 s is a hang guard, not a budget sized for a quiet machine
    const now = await runs.waitFor(view.run.id, ['waiting_approval', 'failed'], 90_000);
    const by = Object.fromEntries(now.steps.map((s) => [s.id, s]));
    expect(now.run.status, JSON.stringify(now.steps.map((s) => [s.id, s.status, s.error]))).toBe('waiting_approval');
    expect(by.compose_sms!.output).toEqual({
      text: 'Remind our customers of the spring sale: see you there! Reply STOP to opt out.',
      cut: false,
    });
    expect(by.send_sms!.status).toBe('waiting_approval');
  }, 120_000);

  it('is not planned where it is not enabled: the goal is unplannable there', async () => {
    await expect(runs.plan('plain', 'remind our customers of the spring sale by sms')).rejects.toMatchObject({
      code: 'NH_RUN_GOAL_UNPLANNABLE',
    });
  });
});

describe('the manifest checks what it declares', () => {
  const base = {
    id: 'acme-x',
    version: '1.0.0',
    kind: 'capability',
    description: 'x',
    host: '^0.2.0',
    runtime: { type: 'module', entry: 'index.js' },
    tools: [{ name: 'approve', description: 'x', inputSchema: { type: 'object' }, sideEffect: 'write' }],
  };
  const problems = (m: unknown) => {
    const r = PluginManifestSchema.safeParse(m);
    return r.success ? [] : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
  };

  it('a contract needs its tools and hooks', () => {
    expect(problems({ ...base, provides: ['approvals', 'policy'] })).toEqual([
      'provides.0: providing approvals needs a tool named list_approvals',
      'provides.0: providing approvals needs a tool named get_approval',
      'provides.0: providing approvals needs a tool named reject',
      'provides.1: providing policy needs a beforeToolCall hook',
    ]);
    expect(problems({ ...base, provides: ['billing'] })[0]).toMatch(/^provides\.0: /);
  });

  it("a contract's tools may be mapped onto the plugin's own: the mapped names must exist and be the contract's", () => {
    const tools = ['agenda', 'plan_post', 'edit_post', 'drop_post', 'post_now'].map((name) => ({ ...base.tools[0]!, name }));
    const mapped = { list_entries: 'agenda', schedule: 'plan_post', update_entry: 'edit_post', cancel: 'drop_post', publish: 'post_now' };
    expect(problems({ ...base, tools, provides: [{ contract: 'calendar', tools: mapped }] })).toEqual([]);
    expect(
      problems({ ...base, tools, provides: [{ contract: 'calendar', tools: { ...mapped, publish: 'nope', send: 'post_now' } }] }),
    ).toEqual(['provides.0.tools.send: calendar has no tool send', 'provides.0: providing calendar needs a tool named nope (its publish)']);
    expect(problems({ ...base, tools, provides: ['calendar', { contract: 'calendar', tools: mapped }] })).toContain(
      'provides.1: calendar listed twice',
    );
  });

  it('a catalogue entry names one of its tools, and only compose fans out', () => {
    expect(
      problems({
        ...base,
        serves: [
          { tool: 'nope', goals: ['sms'], stage: 'draft', title: 't' },
          {
            tool: 'approve',
            goals: ['sms'],
            stage: 'draft',
            title: 't',
            each: { param: 'networks', values: ['x'], default: ['x'] },
          },
        ],
      }),
    ).toEqual([
      'serves.0.tool: serves names nope, which this plugin does not declare',
      'serves.1.each: only a compose entry fans out with `each`',
    ]);
  });
});
