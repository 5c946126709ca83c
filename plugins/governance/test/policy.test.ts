import { describe, expect, it } from 'vitest';
import { callEvent, SEND, setup } from './setup.js';

describe('policies', () => {
  it('starts from the default (version 0): every external call needs approval', async () => {
    const { owner } = setup();
    expect(await owner.call('get_policy', {})).toMatchObject({
      version: 0,
      setBy: null,
      policy: { requireApproval: { sideEffects: ['external'], ttlHours: 72 }, deny: [] },
    });
    expect(await owner.hook('beforeToolCall', callEvent(SEND, { to: 'a@b.co' }))).toMatchObject({ action: 'approval' });
  });

  it('each change appends a version; the latest is current; history keeps them all', async () => {
    const { owner, clock } = setup();
    const v1 = await owner.call('set_policy', { policy: { deny: ['agent-seo:*'] }, note: 'no SEO for now' });
    expect(v1).toMatchObject({ version: 1, setBy: { id: 'olivia' }, note: 'no SEO for now', setAt: '2026-03-02T09:00:00.000Z' });
    clock.advanceHours(1);
    await owner.call('set_policy', { policy: { deny: [] }, expectedVersion: 1 });
    expect(await owner.call('get_policy', {})).toMatchObject({ version: 2, policy: { deny: [] } });
    const history = (await owner.call('policy_history', {})) as { versions: Array<{ version: number; policy: { deny: string[] } }> };
    expect(history.versions.map((v) => [v.version, v.policy.deny])).toEqual([
      [1, ['agent-seo:*']],
      [2, []],
    ]);
    expect(await owner.call('policy_history', { afterVersion: 1, limit: 1 })).toMatchObject({ versions: [{ version: 2 }], next: 2 });
  });

  it('a bad policy is refused with NH_GOV_POLICY_INVALID and its zod issues; the previous version stays current', async () => {
    const { owner } = setup();
    await owner.call('set_policy', { policy: { deny: ['agent-seo:*'] } });
    const bad = owner.call('set_policy', {
      policy: {
        deny: ['not a pattern'],
        budget: { tokensPerDay: -5 },
        consent: { sends: [{ tool: SEND, channel: 'fax', recipientPath: 'to' }] },
        typo: true,
      },
    });
    await expect(bad).rejects.toMatchObject({ code: 'NH_GOV_POLICY_INVALID', status: 400 });
    const err = (await bad.catch((e: unknown) => e)) as { details: { issues: Array<{ path: string }> } };
    expect(err.details.issues.map((i) => i.path).sort()).toEqual([
      '',
      'budget.tokensPerDay',
      'consent.sends.0.channel',
      'consent.sends.0.recipientPath',
      'deny.0',
    ]);
    expect(await owner.call('get_policy', {})).toMatchObject({ version: 1, policy: { deny: ['agent-seo:*'] } });
    expect(await owner.call('policy_history', {})).toMatchObject({ versions: [{ version: 1 }] });
  });

  it('a stale expectedVersion is refused with NH_GOV_POLICY_CONFLICT', async () => {
    const { owner } = setup();
    await owner.call('set_policy', { policy: {} });
    await expect(owner.call('set_policy', { policy: {}, expectedVersion: 0 })).rejects.toMatchObject({ code: 'NH_GOV_POLICY_CONFLICT' });
  });

  it('concurrent set_policy calls each get their own version', async () => {
    const { owner, harnessFor } = setup();
    const admin = harnessFor({ type: 'user', id: 'adam', role: 'admin' });
    const results = (await Promise.all([
      owner.call('set_policy', { policy: { deny: ['a:*'] } }),
      admin.call('set_policy', { policy: { deny: ['b:*'] } }),
    ])) as Array<{ version: number }>;
    expect(results.map((r) => r.version).sort()).toEqual([1, 2]);
    expect(await owner.call('get_policy', {})).toMatchObject({ version: 2 });
  });

  it('only owners, admins and the system actor change the policy', async () => {
    const { member, agent, harnessFor } = setup();
    await expect(member.call('set_policy', { policy: {} })).rejects.toMatchObject({ code: 'NH_GOV_FORBIDDEN', status: 403 });
    await expect(agent.call('set_policy', { policy: {} })).rejects.toMatchObject({ code: 'NH_GOV_FORBIDDEN' });
    await expect(harnessFor({ type: 'system', id: 'cli' }).call('set_policy', { policy: {} })).resolves.toMatchObject({ version: 1 });
    expect(await member.call('get_policy', {})).toMatchObject({ version: 1 });
  });

  it('policy_schema returns the JSON Schema set_policy accepts', async () => {
    const { owner } = setup();
    const { schema } = (await owner.call('policy_schema', {})) as { schema: { properties: Record<string, unknown> } };
    expect(Object.keys(schema.properties)).toEqual([
      'deny',
      'requireApproval',
      'contentTools',
      'content',
      'consent',
      'budget',
      'decisions',
    ]);
  });

  it('records every decision with its reason; allows can be left out of the log', async () => {
    const { owner } = setup();
    await owner.hook('beforeToolCall', callEvent('agent-seo:analyze_page', {}, { sideEffect: 'none', callId: 'c-1' }));
    expect(await owner.call('list_decisions', { callId: 'c-1' })).toMatchObject({
      decisions: [{ decision: 'allow', rule: null, reason: 'no rule applies', policyVersion: 0 }],
    });
    await owner.call('set_policy', { policy: { decisions: { recordAllows: false } } });
    await owner.hook('beforeToolCall', callEvent('agent-seo:analyze_page', {}, { sideEffect: 'none', callId: 'c-2' }));
    await owner.hook('beforeToolCall', callEvent(SEND, { to: 'a@b.co' }, { callId: 'c-3' }));
    const all = (await owner.call('list_decisions', {})) as { decisions: Array<{ callId: string; decision: string }> };
    expect(all.decisions.map((d) => [d.callId, d.decision])).toEqual([
      ['c-1', 'allow'],
      ['c-3', 'approval'],
    ]);
    expect(await owner.call('list_decisions', { limit: 1 })).toMatchObject({ decisions: [{ callId: 'c-1' }], next: expect.any(Number) });
  });
});
