import { createMemoryStore, type PluginStore } from '@neonhub/sdk';
import { describe, expect, it, vi } from 'vitest';
import { afterCall, setup, usage } from '../test/helpers.js';
import { CALLS, type CallRecord } from './aggregate.js';
import { callRecord, runIdOf } from './hook.js';
import type { Summary } from './summary.js';

describe('eco settings per call (parsed once per config object)', () => {
  const event = {
    callId: 'c1',
    tool: 'rt:noop',
    plugin: 'rt',
    status: 'ok',
    durationMs: 10,
    idempotencyKey: 'k',
    actor: { type: 'user', id: 'u', role: 'owner' },
  } as unknown as Parameters<typeof callRecord>[0];
  const at = new Date('2026-11-25T08:00:00Z');
  it('a changed config (a new object from the host) applies on the next call; an invalid one is reported on every call', () => {
    const france = { region: 'france' };
    expect(callRecord(event, france, at).region).toBe('france');
    expect(callRecord(event, france, at).gCO2ePerKWh).toBe(56);
    expect(callRecord(event, { region: 'germany', gridIntensities: { germany: 300 } }, at)).toMatchObject({
      region: 'germany',
      gCO2ePerKWh: 300,
    });
    const problems: unknown[] = [];
    const invalid = { pue: 9 };
    expect(callRecord(event, invalid, at, (e) => problems.push(e)).pue).toBe(1.2);
    callRecord(event, invalid, at, (e) => problems.push(e));
    expect(problems).toHaveLength(2);
    expect((problems[0] as { code: string }).code).toBe('NH_ECO_CONFIG_INVALID');
  });
});

describe('afterToolCall eco hook', () => {
  it('records a known call with the hand-computed energy and CO2e', async () => {
    const { harness, store, plugin } = setup({ config: { region: 'france' } });
    await afterCall(harness, {
      tool: 'agent-content:draft_post',
      plugin: 'agent-content',
      durationMs: 1500,
      llmUsage: usage(1200, 800, 'openai/gpt-4o-mini'),
    });
    await plugin.stop?.(); // the host stopping the plugin writes what it buffers
    const [row] = await store.list<CallRecord>(CALLS);
    expect(row!.value).toMatchObject({
      day: '2026-11-25',
      tool: 'agent-content:draft_post',
      model: 'openai/gpt-4o-mini',
      modelClass: 'small',
      inputTokens: 1200,
      outputTokens: 800,
      region: 'france',
      gCO2ePerKWh: 56,
      pue: 1.2,
    });
    expect(row!.value.wh).toBeCloseTo(0.11146, 12);
    expect(row!.value.co2eG).toBeCloseTo(0.00624176, 12);
    const today = (await harness.call('usage_summary', { from: '2026-11-25', to: '2026-11-25' })) as { totals: Record<string, number> };
    expect(today.totals).toMatchObject({ calls: 1, inputTokens: 1200, outputTokens: 800, totalTokens: 2000, wh: 0.11146, co2eG: 0.006242 });
  });

  it('aggregates several calls over several days, by model, tool, status and day', async () => {
    const { harness, clock } = setup();
    const at = (iso: string) => {
      clock.now = new Date(iso);
    };
    at('2026-11-24T23:59:00Z');
    await afterCall(harness, { tool: 'agent-seo:analyze_page', durationMs: 100 });
    at('2026-11-25T08:00:00Z');
    await afterCall(harness, { tool: 'agent-email:draft', durationMs: 900, llmUsage: usage(1000, 1000, 'openai/gpt-4o') });
    await afterCall(harness, { tool: 'agent-email:draft', durationMs: 600, llmUsage: usage(500, 250, 'openai/gpt-4o-mini') });
    await afterCall(harness, { tool: 'connector-email-sandbox:send', status: 'denied', durationMs: 1 });
    at('2026-11-26T12:00:00Z');
    await afterCall(harness, {
      tool: 'agent-email:draft',
      status: 'error',
      durationMs: 50,
      llmUsage: usage(100, 0, 'openai/gpt-4o'),
    });

    const cpu = (ms: number) => (2.12 * ms) / 3_600_000;
    const wh = (llm: number, ms: number) => (llm + cpu(ms)) * 1.2;
    const day24 = wh(0, 100);
    const call2 = wh(1 * 0.1 + 1 * 1.0, 900);
    const call3 = wh(0.5 * 0.01 + 0.25 * 0.1, 600);
    const day25 = call2 + call3 + wh(0, 1);
    const day26 = wh(0.1 * 0.1, 50);

    const all = (await harness.call('usage_summary', {})) as Summary;
    expect(all).toMatchObject({ from: '2026-11-24', to: '2026-11-26', days: 3, estimate: true, runId: null });
    expect(all.totals).toMatchObject({ calls: 5, llmCalls: 3, inputTokens: 1600, outputTokens: 1250, totalTokens: 2850, durationMs: 1651 });
    expect(all.totals.wh).toBeCloseTo(day24 + day25 + day26, 6);
    expect(all.totals.co2eG).toBeCloseTo(((day24 + day25 + day26) / 1000) * 481, 6);
    expect(all.byStatus).toEqual({ ok: 3, error: 1, denied: 1, pending_approval: 0 });
    expect(Object.keys(all.byModel).sort()).toEqual(['openai/gpt-4o', 'openai/gpt-4o-mini']);
    expect(all.byModel['openai/gpt-4o']).toMatchObject({ calls: 2, inputTokens: 1100, outputTokens: 1000 });
    expect(all.byTool['agent-email:draft']).toMatchObject({ calls: 3 });
    expect(all.byDay.map((d) => [d.day, d.calls])).toEqual([
      ['2026-11-24', 1],
      ['2026-11-25', 3],
      ['2026-11-26', 1],
    ]);
    expect(all.byDay[1]!.wh).toBeCloseTo(day25, 6);

    const mid = (await harness.call('usage_summary', { from: '2026-11-25', to: '2026-11-26' })) as Summary;
    expect(mid).toMatchObject({ days: 2, totals: { calls: 4 } });
    const one = (await harness.call('usage_summary', { from: '2026-11-26', to: '2026-11-26' })) as Summary;
    expect(one.totals.wh).toBeCloseTo(day26, 6);
    const none = (await harness.call('usage_summary', { from: '2026-12-01', to: '2026-12-31' })) as Summary;
    expect(none).toMatchObject({ days: 0, totals: { calls: 0, wh: 0 } });
  });

  it('keeps per-run totals for calls whose idempotency key carries a run id', async () => {
    const { harness } = setup();
    await afterCall(harness, { idempotencyKey: 'run:r-42:plan', llmUsage: usage(100, 100, 'openai/gpt-4o-mini') });
    await afterCall(harness, { idempotencyKey: 'run:r-42:step-2/agent-seo:analyze_page' });
    await afterCall(harness, { idempotencyKey: 'run:r-7:plan' });
    await afterCall(harness, { idempotencyKey: 'manual-1' });
    expect(await harness.call('usage_summary', { runId: 'r-42' })).toMatchObject({ runId: 'r-42', totals: { calls: 2, totalTokens: 200 } });
    expect(await harness.call('usage_summary', { runId: 'nope' })).toMatchObject({ runId: 'nope', totals: { calls: 0 }, from: null });
  });

  it('reads the run id from run:<id>:..., run/<id>/... or an agent actor id', () => {
    const user = { type: 'user' as const, id: 'u' };
    expect(runIdOf({ idempotencyKey: 'run:abc-1:s1', actor: user })).toBe('abc-1');
    expect(runIdOf({ idempotencyKey: 'run/abc-2/s1', actor: user })).toBe('abc-2');
    expect(runIdOf({ idempotencyKey: 'x', actor: { type: 'agent', id: 'run:abc-3' } })).toBe('abc-3');
    expect(runIdOf({ idempotencyKey: 'running-total', actor: user })).toBeUndefined();
  });

  it('keeps exact daily totals under 50 concurrent calls and across two plugin instances on one store', async () => {
    const store = createMemoryStore();
    const a = setup({ store, workspaceId: 'ws-1' });
    const b = setup({ store, workspaceId: 'ws-1' });
    await Promise.all(
      Array.from({ length: 50 }, (_, i) => afterCall((i % 2 ? a : b).harness, { llmUsage: usage(10, 10, 'openai/gpt-4o-mini') })),
    );
    // a reads after its own buffer is written (usage_summary flushes it); b's arrives with b's next flush
    expect(await a.harness.call('usage_summary', { from: '2026-11-25', to: '2026-11-25' })).toMatchObject({ totals: { calls: 25 } });
    await b.plugin.stop?.();
    expect(await a.harness.call('usage_summary', { from: '2026-11-25', to: '2026-11-25' })).toMatchObject({
      totals: { calls: 50, totalTokens: 1000 },
    });
  });

  it('a single-day summary (the budget check) is one store read', async () => {
    const { harness, store, plugin } = setup();
    for (let i = 0; i < 5; i++) await afterCall(harness, { llmUsage: usage(10, 10, 'openai/gpt-4o-mini') });
    await plugin.stop?.();
    const counts = { get: 0, list: 0 };
    const counting: PluginStore = {
      ...store,
      get: (c, k) => {
        counts.get++;
        return store.get(c, k);
      },
      list: (c, o) => {
        counts.list++;
        return store.list(c, o);
      },
    };
    const s2 = setup({ store: counting });
    const r = await s2.harness.call('usage_summary', { from: '2026-11-25', to: '2026-11-25' });
    expect(r).toMatchObject({ totals: { calls: 5 } });
    expect(counts).toEqual({ get: 1, list: 0 });
  });

  it('keeps the accounting off the call path: nothing written per call, one insert and one total per flush, by its timer', async () => {
    const base = createMemoryStore();
    const ops: string[] = [];
    const logged =
      <A extends unknown[], R>(label: (...a: A) => string, fn: (...a: A) => R) =>
      (...a: A): R => {
        ops.push(label(...a));
        return fn(...a);
      };
    const store: PluginStore = {
      ...base,
      insertAll: logged((c, r) => `insertAll ${c} ${r.length}`, base.insertAll),
      putIf: logged((c) => `putIf ${c}`, base.putIf),
      append: logged((c) => `append ${c}`, base.append),
    };
    const { harness } = setup({ store });
    for (let i = 0; i < 30; i++) await afterCall(harness, { llmUsage: usage(10, 10, 'openai/gpt-4o-mini') });
    expect(ops).toEqual([]);
    // the flush timer (250 ms) writes them with no further call; waited for, not slept on (a loaded machine runs it late)
    await vi.waitFor(() => expect(ops).toEqual(['insertAll calls 30', 'putIf daily']), { timeout: 20_000, interval: 20 });
    expect((await base.list(CALLS)).length).toBe(30);
  });

  it("does not count eco's own tools (budget checks would double every call count)", async () => {
    const { harness } = setup();
    await afterCall(harness, { tool: 'agent-seo:analyze_page', plugin: 'agent-seo' });
    await afterCall(harness, { tool: 'eco:usage_summary', plugin: 'eco' });
    expect(await harness.call('usage_summary', {})).toMatchObject({ totals: { calls: 1 } });
  });

  it('rejects a range whose from is after its to', async () => {
    const { harness } = setup();
    await expect(harness.call('usage_summary', { from: '2026-11-26', to: '2026-11-25' })).rejects.toMatchObject({
      code: 'NH_ECO_RANGE_INVALID',
    });
  });
});
