import { describe, expect, it } from 'vitest';
import { approvalExpired } from '$lib/approvals';
import { listDiffers, pendingItems, ruleOfReason } from './waiting';

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

  it('carries when each approval expires: a run’s step from its approvalExpiresAt, a call outside a run from the host’s note', () => {
    const run = {
      run: { id: 'r1', goal: 'spring sale', createdAt: '2026-03-01T10:00:00.000Z' },
      steps: [
        {
          id: 'send',
          runId: 'r1',
          tool: 'agent-social:publish',
          input: { network: 'x', text: 'Hi' },
          dependsOn: [],
          status: 'waiting_approval',
          attempts: 0,
          approvalId: 'ap-step',
          approvalExpiresAt: '2026-03-02T10:00:00.000Z',
        },
      ],
    } as unknown as Parameters<typeof pendingItems>[0][number];
    const outside = {
      id: 'ap-call',
      tool: 'agent-social:publish',
      input: {},
      actor: { type: 'user', id: 'u1' },
      rule: '',
      sideEffect: '',
      status: 'pending',
      createdAt: '2026-03-01T11:00:00.000Z',
      expiresAt: '2026-03-01T12:00:00.000Z',
    };
    const items = pendingItems([run], [outside], ctx);
    expect(items.map((i) => [i.key, i.expiresAt])).toEqual([
      ['r1/send', '2026-03-02T10:00:00.000Z'],
      ['ap-call', '2026-03-01T12:00:00.000Z'],
    ]);
    const at = Date.parse('2026-03-01T12:00:00.000Z');
    expect(items.map((i) => approvalExpired(i.expiresAt, at))).toEqual([false, true]);
    expect(approvalExpired(null, at)).toBe(false);
  });

  it('spots a provider list that differs from the page without reading the host’s notes again', () => {
    const step = { approvalId: 'a-step', runId: 'r1' };
    const call = { approvalId: 'a-call', runId: null };
    const pending = (...ids: string[]) => ids.map((id) => ({ id, status: 'pending' }));
    expect(listDiffers(pending('a-step', 'a-call'), [step, call])).toBe(false);
    // an approval held before notes were kept: listed, not shown
    expect(listDiffers(pending('a-step', 'a-call', 'a-old'), [step, call])).toBe(true);
    // a call outside runs the provider no longer lists (expired, decided elsewhere)
    expect(listDiffers(pending('a-step'), [step, call])).toBe(true);
    // ...unless the list was cut short by its limit (then its absence proves nothing)
    const full = pending(...Array.from({ length: 200 }, (_, i) => `x${i}`));
    expect(listDiffers(full, [...full.map((a) => ({ approvalId: a.id, runId: null }))])).toBe(false);
    expect(listDiffers(full, [...full.map((a) => ({ approvalId: a.id, runId: null })), call])).toBe(false);
    // a call noted without an approval id is not the provider's to list
    expect(listDiffers(pending('a-step'), [step, { approvalId: null, runId: null }])).toBe(false);
  });

  it('shows a held draft with its original links, the tracked ones put back to where they go', () => {
    const a = 'http://localhost:3000/r/AAAAAAAAAAAA';
    const b = 'http://localhost:3000/r/BBBBBBBBBBBB';
    const [item] = pendingItems(
      [],
      [
        {
          id: 'ap-links',
          tool: 'connector-email-sandbox:send',
          input: {
            to: 'ana@example.com',
            subject: 'Spring',
            html: `<p><a href="${a}">Shoes</a> and <a href="${b}">sale</a>, <a href="${a}">again</a></p>`,
            text: `Shoes ${a}, sale ${b}`,
          },
          actor: { type: 'user', id: 'u1' },
          rule: '',
          sideEffect: 'external',
          status: 'pending',
          createdAt: '2026-03-01T10:00:00.000Z',
          links: { [a]: 'https://shop.example.com/shoes?c=1', [b]: 'https://shop.example.com/sale' },
        },
      ],
      ctx,
    );
    expect(item!.trackedLinks).toBe(2);
    const shown = JSON.stringify(item!.preview);
    expect(shown).not.toContain('/r/');
    expect(shown).toContain('https://shop.example.com/shoes?c=1');
    expect(shown).toContain('https://shop.example.com/sale');
    // a held call without tracked links says nothing about them
    const [plain] = pendingItems(
      [],
      [
        {
          id: 'ap2',
          tool: 'agent-social:publish',
          input: { network: 'x', text: 'hi' },
          actor: { type: 'user', id: 'u1' },
          rule: '',
          sideEffect: '',
          status: 'pending',
          createdAt: '2026-03-01T10:00:00.000Z',
        },
      ],
      ctx,
    );
    expect(plain!.trackedLinks).toBe(0);
  });
});
