import { describe, expect, it } from 'vitest';
import { pendingItems, ruleOfReason } from './waiting';

const ctx = { plugins: [{ id: 'agent-social', name: 'Social agent' }], people: new Map(), me: undefined } as unknown as Parameters<
  typeof pendingItems
>[2];

describe('what waits, without a tool call', () => {
  it('previews a call held outside a run from the input the host noted', () => {
    const [item] = pendingItems(
      [],
      [
        {
          id: 'ap1',
          tool: 'agent-social:publish',
          input: { network: 'linkedin', text: 'Spring sale starts today' },
          actor: { type: 'user', id: 'u1' },
          ...ruleOfReason('the policy requires approval for external side effects; waiting for approval ap1'),
          status: 'pending',
          createdAt: '2026-03-01T10:00:00.000Z',
        },
      ],
      ctx,
    );
    expect(item).toMatchObject({ key: 'ap1', runId: null, toolLabel: 'Social agent · Publish' });
    expect(item!.preview).toMatchObject({ kind: 'social', text: 'Spring sale starts today' });
    expect(item!.why).toMatch(/reaches outside NeonHub/);
  });

  it('reads the rule behind a provider’s reason, and says nothing it cannot tell', () => {
    expect(ruleOfReason('the policy requires approval for agent-seo:analyze_page ("agent-seo:*"); waiting for approval x')).toEqual({
      rule: 'requireApproval.tools',
      sideEffect: '',
    });
    expect(ruleOfReason('the policy requires approval for write side effects; approval x is pending')).toEqual({
      rule: 'requireApproval.sideEffects',
      sideEffect: 'write',
    });
    expect(ruleOfReason('held by a replacement provider')).toEqual({ rule: '', sideEffect: '' });
  });

  it('a run’s step held by the plan says so; one held by the policy says the policy holds it', () => {
    const step = (id: string, needsApproval: boolean) => ({
      id,
      runId: '00000000-0000-4000-8000-000000000001',
      tool: 'agent-social:publish',
      input: { network: 'x', text: 'Hi' },
      dependsOn: [],
      status: 'waiting_approval' as const,
      attempts: 0,
      needsApproval,
    });
    const run = {
      run: { id: '00000000-0000-4000-8000-000000000001', goal: 'spring sale', createdAt: '2026-03-01T10:00:00.000Z' },
      steps: [step('a', true), step('b', false)],
    } as unknown as Parameters<typeof pendingItems>[0][number];
    const [a, b] = pendingItems([run], [], ctx, false);
    expect(a!.why).toMatch(/^The plan holds this step/);
    expect(b!.why).toBe('Your approval policy holds this action for a person.');
  });
});
