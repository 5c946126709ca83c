import { type Database, sql } from '@neonhub/db';
import { createOrchestrator, createStepQueue, type Orchestrator, type OrchestratorCallRequest } from '@neonhub/orchestrator';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { runDatabases } from './run-databases.js';
import { emptyTables } from './shared-database.js';

/**
 * A step's input may reference the output of any ancestor, not only of the steps it depends on directly: what plan
 * validation accepts runs, through the real engine (claims and carried jobs, the SQL of migration 0031) on PGlite and
 * on PostgreSQL (when NEONHUB_TEST_POSTGRES_URL is set). The tools are fixtures behind `callTool`.
 */
const actor = { type: 'user' as const, id: 'tester', role: 'owner' as const };
/** `fx:work` has no side effect (its jobs carry it, no claim); `fx:send` sends (claimed before it runs). */
const TOOLS = (
  [
    ['fx:work', 'none'],
    ['fx:send', 'external'],
  ] as const
).map(([name, sideEffect]) => ({
  name,
  description: 'fixture',
  sideEffect,
  inputSchema: { type: 'object', properties: { text: { type: 'string' } } },
}));

describe.each(runDatabases())('references to any ancestor ($name)', (fixture) => {
  let database: Database;
  let o: Orchestrator;
  let ws: string;
  let calls: OrchestratorCallRequest[];

  beforeAll(async () => {
    database = await fixture.open();
  }, 60_000);

  afterAll(async () => {
    await fixture.close();
  });

  beforeEach(async () => {
    await emptyTables(database);
    ws = (await sql<{ id: string }>`insert into workspaces (slug, name) values ('refs', 'Refs') returning id`.execute(database.db)).rows[0]!
      .id;
    calls = [];
    o = createOrchestrator({
      db: database.db,
      queue: createStepQueue(),
      resolveWorkspace: async (id) => ({ id, slug: id }),
      approvalsProvider: () => undefined,
      tools: async () => TOOLS,
      async callTool(req) {
        calls.push(req);
        const text = (req.input as { text?: string }).text;
        return { status: 'ok', output: { text: `${req.tool === 'fx:send' ? 'sent' : 'done'}(${text})` } };
      },
      markRunningAfterMs: 100,
      pollMs: 50,
    });
    await o.startWorker({ concurrency: 4 });
  });

  afterEach(async () => {
    await o.close();
  });

  const inputOf = (step: string) => calls.find((c) => c.idempotencyKey?.endsWith(`:step:${step}`))?.input;

  it("hands a step its grandparent's output, on a carried job and on a claim", async () => {
    const view = await o.start({
      workspace: ws,
      goal: 'grandparent',
      actor,
      plan: {
        steps: [
          { id: 'draft', tool: 'fx:work', input: { text: 'spring' } },
          { id: 'edit', tool: 'fx:work', input: { text: '{{steps.draft.output.text}}' }, dependsOn: ['draft'] },
          // Carried (no side effect): its job carries the input resolved from the grandparent's and the parent's outputs.
          {
            id: 'summary',
            tool: 'fx:work',
            input: { text: 'from {{steps.draft.output.text}} via {{steps.edit.output.text}}' },
            dependsOn: ['edit'],
          },
          // Claimed (sends): the claim hands it the grandparent's output only.
          { id: 'publish', tool: 'fx:send', input: { text: '{{steps.draft.output.text}}' }, dependsOn: ['edit'] },
          // Three levels down, referencing the root again through the two branches.
          { id: 'report', tool: 'fx:work', input: { text: '{{steps.draft.output.text}}' }, dependsOn: ['summary', 'publish'] },
        ],
      },
    });
    const done = await o.waitFor(view.run.id, ['succeeded', 'failed'], 10_000);
    expect(done.run.error).toBeUndefined();
    expect(done.run.status).toBe('succeeded');
    expect(inputOf('summary')).toEqual({ text: 'from done(spring) via done(done(spring))' });
    expect(inputOf('publish')).toEqual({ text: 'done(spring)' });
    expect(inputOf('report')).toEqual({ text: 'done(spring)' });

    // What each step is handed is stored with it: the steps its input references, once each.
    const refs = await database.db
      .selectFrom('steps')
      .select(['id', 'input_refs'])
      .where('run_id', '=', view.run.id)
      .orderBy('seq')
      .execute();
    expect(Object.fromEntries(refs.map((r) => [r.id, r.input_refs]))).toEqual({
      draft: [],
      edit: ['draft'],
      summary: ['draft', 'edit'],
      publish: ['draft'],
      report: ['draft'],
    });
  });

  it('hands a claimed step only the outputs its input references, whatever it depends on', async () => {
    const view = await o.start({
      workspace: ws,
      goal: 'only referenced',
      actor,
      plan: {
        steps: [
          { id: 'a', tool: 'fx:work', input: { text: 'a' } },
          { id: 'b', tool: 'fx:work', input: { text: 'b' }, dependsOn: ['a'] },
          { id: 'c', tool: 'fx:send', input: { text: '{{steps.a.output.text}}' }, dependsOn: ['b'] },
        ],
      },
    });
    const done = await o.waitFor(view.run.id, ['succeeded', 'failed'], 10_000);
    expect(done.run.status).toBe('succeeded');
    expect(inputOf('c')).toEqual({ text: 'done(a)' });
    // Claimed again by hand (queued under a new dispatch): the claim reads the one output it references, not b's.
    const row = await sql<{ dispatch: number }>`
      update steps set status = 'queued', dispatch = dispatch + 1 where run_id = ${view.run.id} and id = 'c' returning dispatch`.execute(
      database.db,
    );
    const reqs = [{ run_id: view.run.id, id: 'c', dispatch: row.rows[0]!.dispatch, lease: 'by-hand' }];
    const claimed = await sql<{ dep_outputs: Record<string, unknown> }>`
      select dep_outputs from neonhub_claim_steps(${JSON.stringify(reqs)}::jsonb, 1000)`.execute(database.db);
    expect(claimed.rows.map((r) => r.dep_outputs)).toEqual([{ a: { text: 'done(a)' } }]);
  });

  it('a step stored before migration 0031 (no input_refs) still gets its direct dependencies’ outputs', async () => {
    const view = await o.start({
      workspace: ws,
      goal: 'stored before',
      actor,
      plan: {
        steps: [
          { id: 'gate', tool: 'fx:send', input: { text: 'gate' }, needsApproval: true },
          { id: 'carried', tool: 'fx:work', input: { text: '{{steps.gate.output.text}}' }, dependsOn: ['gate'] },
          { id: 'claimed', tool: 'fx:send', input: { text: '{{steps.gate.output.text}}' }, dependsOn: ['gate'] },
        ],
      },
    });
    expect((await o.waitFor(view.run.id)).run.status).toBe('waiting_approval');
    await sql`update steps set input_refs = null where run_id = ${view.run.id}`.execute(database.db);
    await o.approve(view.run.id, 'gate', actor);
    const done = await o.waitFor(view.run.id, ['succeeded', 'failed'], 10_000);
    expect(done.run.status).toBe('succeeded');
    expect(inputOf('carried')).toEqual({ text: 'sent(gate)' });
    expect(inputOf('claimed')).toEqual({ text: 'sent(gate)' });
  });
});
