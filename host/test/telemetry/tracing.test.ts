import { join } from 'node:path';
import type { NeonHubError } from '@neonhub/schemas';
import { ATTR, neonhubMetrics, startTelemetry, type Telemetry } from '@neonhub/telemetry';
import { SpanStatusCode } from '@opentelemetry/api';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Host } from '../../src/host.js';
import { createRuns } from '../../src/runs/service.js';
import { bootHost, lockRoot, makeRoot, removeRoot, runtimeFixtures, writePlugin } from '../integration/helpers.js';
import { relayPlugin } from './fixtures.js';

let telemetry: Telemetry;
let host: Host;
let root: string;
let workspaceId: string;
const actor = { type: 'user' as const, id: 'tester', role: 'owner' as const };

beforeAll(async () => {
  // Before the host boots, as `neonhub start` does.
  telemetry = startTelemetry({ serviceName: 'neonhub-test', env: { NEONHUB_TELEMETRY: 'memory' } });
  root = makeRoot('telemetry-tracing', [{ from: join(runtimeFixtures, 'rt-basic') }]);
  writePlugin(root, 'tel-relay', relayPlugin('tel-relay'));
  await lockRoot(root);
  host = await bootHost(root);
  expect(host.problems).toEqual([]);
  const ws = await host.storage.service.createWorkspace({ slug: 'acme' });
  workspaceId = ws.id;
  for (const id of ['rt-basic', 'tel-relay']) await host.storage.service.enablePlugin('acme', id);
}, 120_000);

afterAll(async () => {
  await host?.close();
  await telemetry?.shutdown();
  removeRoot(root);
});

beforeEach(() => telemetry.memoryExporter!.reset());

let finished: ReturnType<NonNullable<Telemetry['memoryExporter']>['getFinishedSpans']> = [];
/** Spans exported so far (a flush first: the exporter waits for the resource's async attributes). */
const flushed = async () => {
  await telemetry.flush();
  finished = telemetry.memoryExporter!.getFinishedSpans();
  return finished;
};
const spans = () => finished;
const call = (tool: string, input: unknown) => host.callTool({ workspace: 'acme', tool, input, actor });

describe('tool call spans', () => {
  it('registers a real provider in memory mode', () => {
    expect(telemetry.mode).toBe('memory');
    expect(telemetry.tracing).toBe(true);
  });

  it('wraps one call in one `tool.call <plugin:tool>` span with its attributes', async () => {
    const result = await call('rt-basic:add', { a: 1 });
    expect(result.status).toBe('ok');
    await flushed();
    expect(spans()).toHaveLength(1);
    const span = spans()[0]!;
    expect(span.name).toBe('tool.call rt-basic:add');
    expect(span.attributes).toEqual({
      [ATTR.tool]: 'rt-basic:add',
      [ATTR.plugin]: 'rt-basic',
      [ATTR.workspaceId]: workspaceId,
      [ATTR.callId]: result.callId,
      [ATTR.status]: 'ok',
      [ATTR.sideEffect]: 'read',
    });
    expect(span.status.code).toBe(SpanStatusCode.UNSET);
    expect(span.instrumentationScope.name).toBe('neonhub');
    expect(span.resource.attributes['service.name']).toBe('neonhub-test');
    expect(span.parentSpanContext).toBeUndefined();
  });

  it('makes a nested ctx.callTool a child span of its caller', async () => {
    const plugin = 'tel-relay';
    const result = await call(`${plugin}:relay`, { a: 2 });
    expect(result).toMatchObject({ status: 'ok', output: { sum: 12 } });
    await flushed();
    expect(spans()).toHaveLength(2);
    const parent = spans().find((s) => s.name === `tool.call ${plugin}:relay`)!;
    const child = spans().find((s) => s.name === 'tool.call rt-basic:add')!;
    expect(parent).toBeDefined();
    expect(child).toBeDefined();
    expect(child.spanContext().traceId).toBe(parent.spanContext().traceId);
    expect(child.parentSpanContext?.spanId).toBe(parent.spanContext().spanId);
    expect(parent.parentSpanContext).toBeUndefined();
    expect(child.attributes[ATTR.status]).toBe('ok');
  });

  it('records a failing call: status ERROR, its error code and the exception', async () => {
    const err = (await call('rt-basic:fail', {}).catch((e) => e)) as NeonHubError;
    expect(err.code).toBe('NH_TOOL_FAILED');
    await flushed();
    expect(spans()).toHaveLength(1);
    const span = spans()[0]!;
    expect(span.status.code).toBe(SpanStatusCode.ERROR);
    expect(span.attributes[ATTR.errorCode]).toBe('NH_TOOL_FAILED');
    expect(span.attributes[ATTR.status]).toBe('error');
    expect(span.attributes[ATTR.sideEffect]).toBe('write');
    expect(span.events.map((e) => e.name)).toContain('exception');
  });

  it('records a call refused before its tool ran (invalid input) as rejected', async () => {
    const err = (await call('rt-basic:add', { a: 'one' }).catch((e) => e)) as NeonHubError;
    expect(err.code).toBe('NH_TOOL_INPUT_INVALID');
    await flushed();
    const span = spans()[0]!;
    expect(span.status.code).toBe(SpanStatusCode.ERROR);
    expect(span.attributes).toMatchObject({ [ATTR.errorCode]: 'NH_TOOL_INPUT_INVALID', [ATTR.status]: 'rejected' });
  });

  it('still ends the span with the error code when the tool is unknown', async () => {
    const err = (await call('rt-basic:nope', {}).catch((e) => e)) as NeonHubError;
    await flushed();
    expect(spans()).toHaveLength(1);
    const span = spans()[0]!;
    expect(span.name).toBe('tool.call rt-basic:nope');
    expect(span.status.code).toBe(SpanStatusCode.ERROR);
    expect(span.attributes[ATTR.errorCode]).toBe(err.code);
  });
});

describe('run step spans', () => {
  it('wraps each orchestrator step in a `run.step` span whose tool call is its child, and counts steps', async () => {
    const runSteps = async (status: string) =>
      Number(
        (await neonhubMetrics().prometheus()).match(new RegExp(`neonhub_run_steps_total\\{status="${status}"[^}]*\\} (\\d+)`))?.[1] ?? 0,
      );
    const okBefore = await runSteps('ok');
    const runs = await createRuns(host, { concurrency: 2 });
    try {
      const view = await runs.start({
        workspace: 'acme',
        goal: 'telemetry',
        actor,
        plan: {
          steps: [
            { id: 'first', tool: 'rt-basic:add', input: { a: 1 } },
            { id: 'second', tool: 'tel-relay:relay', input: { a: 2 }, dependsOn: ['first'] },
          ],
        },
      });
      const done = await runs.waitFor(view.run.id);
      expect(done.run.status).toBe('succeeded');
      await flushed();
      const step = spans().find((s) => s.name === 'run.step rt-basic:add')!;
      expect(step.attributes).toMatchObject({ [ATTR.runId]: view.run.id, [ATTR.stepId]: 'first', [ATTR.tool]: 'rt-basic:add' });
      const call = spans().find((s) => s.name === 'tool.call rt-basic:add' && s.parentSpanContext?.spanId === step.spanContext().spanId);
      expect(call?.attributes[ATTR.status]).toBe('ok');
      // the second step: run.step -> tool.call tel-relay:relay -> tool.call rt-basic:add (nested)
      const second = spans().find((s) => s.name === 'run.step tel-relay:relay')!;
      const relay = spans().find((s) => s.name === 'tool.call tel-relay:relay')!;
      expect(relay.parentSpanContext?.spanId).toBe(second.spanContext().spanId);
      expect(spans().some((s) => s.name === 'tool.call rt-basic:add' && s.parentSpanContext?.spanId === relay.spanContext().spanId)).toBe(
        true,
      );
      expect((await runSteps('ok')) - okBefore).toBe(2);
    } finally {
      await runs.close();
    }
  });
});
