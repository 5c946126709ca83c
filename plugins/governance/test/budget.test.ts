import { describe, expect, it } from 'vitest';
import { callEvent, setup } from './setup.js';

const TOOL = 'agent-content:write_post';
const usage = (totalTokens: number, models = ['openai/gpt-4o-mini'], inputShare = 0.5) => ({
  calls: 1,
  inputTokens: Math.round(totalTokens * inputShare),
  outputTokens: totalTokens - Math.round(totalTokens * inputShare),
  totalTokens,
  models,
  offline: models.every((m) => m.startsWith('offline/')),
});

async function governed(budget: Record<string, unknown>) {
  const gov = setup();
  await gov.owner.call('set_policy', { policy: { budget } });
  const gate = () => gov.owner.hook('beforeToolCall', callEvent(TOOL, { brief: 'spring sale' }, { sideEffect: 'none' }));
  const spend = (u: ReturnType<typeof usage>) =>
    gov.owner.hook('afterToolCall', { ...callEvent(TOOL, {}, { sideEffect: 'none' }), status: 'ok', llmUsage: u });
  return { ...gov, gate, spend };
}

describe('budget caps', () => {
  it('stops the call before it runs once the day’s recorded tokens reach the cap', async () => {
    const { gate, spend, owner } = await governed({ tokensPerDay: 10_000 });
    expect(await gate()).toEqual({ action: 'allow' });
    await spend(usage(6_000));
    expect(await gate()).toEqual({ action: 'allow' });
    await spend(usage(4_000));
    expect(await gate()).toEqual({
      action: 'deny',
      code: 'NH_GOV_BUDGET_EXCEEDED',
      reason: 'the workspace used 10000 tokens on 2026-03-02 (UTC), reaching its cap of 10000 tokens per day',
    });
    expect(await owner.call('budget_status', {})).toMatchObject({
      usage: { totalTokens: 10_000, calls: 2 },
      tokensPerDay: 10_000,
      reached: 'budget.tokensPerDay',
    });
    // governance's own tools stay usable so an admin can raise the cap
    expect(await owner.hook('beforeToolCall', callEvent('governance:set_policy', { policy: {} }, { sideEffect: 'write' }))).toEqual({
      action: 'allow',
    });
  });

  it('counts per UTC day: the next day starts from zero', async () => {
    const { gate, spend, clock } = await governed({ tokensPerDay: 1_000 });
    await spend(usage(1_500));
    expect(await gate()).toMatchObject({ code: 'NH_GOV_BUDGET_EXCEEDED' });
    clock.set('2026-03-03T00:00:00.000Z');
    expect(await gate()).toEqual({ action: 'allow' });
  });

  it('prices usage from the policy table (most expensive model of a call; default price otherwise; offline free)', async () => {
    const { gate, spend, owner } = await governed({
      costUsdPerDay: 1,
      prices: {
        'openai/gpt-4o-mini': { inputPer1M: 0.15, outputPer1M: 0.6 },
        'anthropic/*': { inputPer1M: 3, outputPer1M: 15 },
        'offline/*': { inputPer1M: 0, outputPer1M: 0 },
      },
      defaultPrice: { inputPer1M: 10, outputPer1M: 30 },
    });
    await spend(usage(2_000_000, ['offline/neonhub-offline']));
    expect(await gate()).toEqual({ action: 'allow' });
    await spend(usage(1_000_000, ['openai/gpt-4o-mini'])); // 0.5M in * 0.15 + 0.5M out * 0.6 = $0.375
    await spend(usage(20_000, ['openai/gpt-4o-mini', 'anthropic/claude-sonnet'])); // priced as anthropic: 0.03 + 0.15 = $0.18
    const status = (await owner.call('budget_status', {})) as { usage: { costUsd: number } };
    expect(status.usage.costUsd).toBeCloseTo(0.555, 10);
    expect(await gate()).toEqual({ action: 'allow' });
    await spend(usage(30_000, ['mistral/large'])); // default price: 0.15 + 0.45 = $0.60
    expect(await gate()).toMatchObject({ action: 'deny', code: 'NH_GOV_BUDGET_EXCEEDED', reason: expect.stringContaining('$1.1550') });
  });

  it('exempt tools are never stopped by the budget', async () => {
    const { spend, owner } = await governed({ tokensPerDay: 10, exemptTools: ['eco:*'] });
    await spend(usage(100));
    expect(await owner.hook('beforeToolCall', callEvent('eco:usage_summary', {}, { sideEffect: 'read' }))).toEqual({ action: 'allow' });
  });
});
