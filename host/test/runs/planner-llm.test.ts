import { createDatabase, type Database, migrate, sql } from '@neonhub/db';
import { createLlm } from '@neonhub/llm';
import { type FakeProvider, fakeReply, startFakeOpenAI } from '@neonhub/llm/testing';
import { createOrchestrator, createStepQueue, type Orchestrator } from '@neonhub/orchestrator';
import { isNeonHubError } from '@neonhub/schemas';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

/**
 * The LLM planner against a local server speaking OpenAI's wire format (the real `ai` SDK client talks to it):
 * the model's JSON plan is validated against the workspace's enabled tools before anything runs; a plan naming
 * a tool that is not enabled, an answer that is not a plan, and a provider error are refused with codes.
 */
const actor = { type: 'user' as const, id: 'planner', role: 'owner' as const };
const TOOLS = [
  {
    name: 'agent-content:draft',
    description: 'Drafts content',
    sideEffect: 'write' as const,
    inputSchema: {
      type: 'object',
      properties: { kind: { type: 'string', enum: ['blog', 'email', 'social'] }, topic: { type: 'string' } },
      required: ['kind', 'topic'],
      additionalProperties: false,
    },
  },
  {
    name: 'connector-email-sandbox:send',
    description: 'Sends an e-mail',
    sideEffect: 'external' as const,
    inputSchema: { type: 'object', properties: { subject: { type: 'string' }, body: { type: 'string' } }, required: ['subject', 'body'] },
  },
];

let fake: FakeProvider;
let database: Database;
let o: Orchestrator;
let ws: string;
const called: string[] = [];

beforeAll(async () => {
  fake = await startFakeOpenAI();
  database = await createDatabase({ memory: true });
  await migrate(database.db);
  ws = (await sql<{ id: string }>`insert into workspaces (slug, name) values ('plan', 'Plan') returning id`.execute(database.db)).rows[0]!
    .id;
  const llm = createLlm({ provider: 'openai', baseURL: fake.baseURL, apiKey: 'sk-test', model: 'gpt-4o-mini' });
  o = createOrchestrator({
    db: database.db,
    queue: createStepQueue(),
    resolveWorkspace: async (id) => ({ id, slug: id }),
    approvalsProvider: () => undefined,
    tools: async () => TOOLS,
    planner: () => llm,
    async callTool(req) {
      called.push(req.tool);
      return { status: 'ok', output: { subject: 'Spring sale', body: 'Twenty percent off.' } };
    },
    pollMs: 50,
  });
  await o.startWorker({ concurrency: 2 });
});

afterAll(async () => {
  await o?.close();
  await database?.close();
  await fake?.close();
});

beforeEach(() => fake.reset());

const plan = {
  steps: [
    { id: 'draft', tool: 'agent-content:draft', title: 'Draft the e-mail', input: { kind: 'email', topic: 'spring sale' } },
    {
      id: 'send',
      tool: 'connector-email-sandbox:send',
      input: { subject: '{{steps.draft.output.subject}}', body: '{{steps.draft.output.body}}' },
      dependsOn: ['draft'],
      needsApproval: true,
    },
  ],
  notes: ['one draft, then the send'],
};

const codeOf = (err: unknown) => (isNeonHubError(err) ? err.code : String(err));

describe('the LLM planner on a provider speaking OpenAI', () => {
  it('turns the model’s JSON answer (in a code fence) into a validated plan, asking with the enabled tools’ schemas', async () => {
    fake.enqueue(fakeReply.text(`Here is the plan:\n\`\`\`json\n${JSON.stringify(plan)}\n\`\`\``));
    const planned = await o.plan(ws, 'e-mail our spring sale');
    expect(planned.planner).toBe('llm');
    expect(planned.plan.steps.map((s) => [s.id, s.tool, s.dependsOn])).toEqual([
      ['draft', 'agent-content:draft', []],
      ['send', 'connector-email-sandbox:send', ['draft']],
    ]);
    expect(fake.requests).toHaveLength(1);
    const asked = JSON.stringify(fake.requests[0]!.body);
    expect(asked).toContain('e-mail our spring sale');
    expect(asked).toContain('connector-email-sandbox:send');
    expect(asked).toContain('additionalProperties');
  });

  it('runs the planned steps: the held send waits for approval, then the run finishes', async () => {
    fake.enqueue(fakeReply.text(JSON.stringify(plan)));
    const view = await o.start({ workspace: ws, goal: 'e-mail our spring sale', actor });
    expect(view.run.planner).toBe('llm');
    const held = await o.waitFor(view.run.id);
    expect(held.run.status).toBe('waiting_approval');
    expect(called).toEqual(['agent-content:draft']);
    await o.approve(view.run.id, 'send', actor);
    const done = await o.waitFor(view.run.id, ['succeeded', 'failed']);
    expect(done.run.status).toBe('succeeded');
    expect(called).toEqual(['agent-content:draft', 'connector-email-sandbox:send']);
  });

  it('refuses a plan that names a tool the workspace has not enabled, or an input its schema rejects, before anything runs', async () => {
    const before = called.length;
    fake.enqueue(fakeReply.text(JSON.stringify({ steps: [{ id: 'pay', tool: 'connector-stripe:charge', input: {} }] })));
    expect(codeOf(await o.start({ workspace: ws, goal: 'charge everyone', actor }).catch((e) => e))).toBe('NH_RUN_PLAN_TOOL_UNKNOWN');
    fake.enqueue(fakeReply.text(JSON.stringify({ steps: [{ id: 'd', tool: 'agent-content:draft', input: { kind: 'fax', topic: 'x' } }] })));
    expect(codeOf(await o.start({ workspace: ws, goal: 'fax it', actor }).catch((e) => e))).toBe('NH_RUN_PLAN_INPUT_INVALID');
    expect(called.length).toBe(before);
    expect((await o.list(ws)).filter((r) => r.goal === 'charge everyone' || r.goal === 'fax it')).toEqual([]);
  });

  it('refuses an answer that is not a plan, and a provider error, with NH_RUN_PLANNER_FAILED', async () => {
    fake.enqueue(fakeReply.text('I would start with an e-mail, then a post.'));
    const prose = await o.plan(ws, 'promote the sale').catch((e) => e);
    expect(codeOf(prose)).toBe('NH_RUN_PLANNER_FAILED');
    expect(prose.details.answer).toContain('I would start');

    fake.enqueue(fakeReply.error(400, { message: 'context length exceeded' }));
    const failed = await o.plan(ws, 'promote the sale').catch((e) => e);
    expect(codeOf(failed)).toBe('NH_RUN_PLANNER_FAILED');
    expect(failed.message).toMatch(/could not plan/);
  });
});
