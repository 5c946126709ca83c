import type { AfterToolCallEvent, HookContext } from '@neonhub/sdk';
import { neonhubMetrics } from '@neonhub/telemetry';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { createNotices } from '../../src/notices.js';
import { watchAfterHooks } from '../../src/pipeline/hook-watch.js';
import { createHookChain } from '../../src/pipeline/hooks.js';

const workspace = { id: 'w1', slug: 'demo' };
const event = (tool: string): AfterToolCallEvent => ({
  callId: 'c1',
  workspace,
  actor: { type: 'user', id: 'u1', role: 'owner' },
  plugin: 'p',
  tool,
  sideEffect: 'read',
  input: {},
  idempotencyKey: 'k',
  status: 'ok',
  durationMs: 1,
});

describe('a failing afterToolCall hook (an audit write that fails)', () => {
  it('is counted in a metric and stands as a notice (health degraded) until the hook succeeds again', async () => {
    const notices = createNotices();
    const chain = createHookChain(pino({ level: 'silent' }), watchAfterHooks(notices));
    let broken = true;
    const seen: string[] = [];
    chain.register({
      pluginId: 'audit-test',
      priority: { afterToolCall: 900 },
      hooks: {
        afterToolCall(e) {
          if (broken) throw new Error('disk full');
          seen.push(e.tool);
        },
      },
      context: async () => ({}) as HookContext,
    });
    const metricLine = async () =>
      (await neonhubMetrics().prometheus())
        .split('\n')
        .find((l) => l.startsWith('neonhub_hook_failures_total{') && l.includes('audit-test'));

    await chain.runAfter(event('p:one'), () => true);
    await chain.runAfter(event('p:two'), () => true);
    const [notice] = notices.list();
    expect(notice).toMatchObject({ key: 'hook-after:audit-test', code: 'NH_HOOK_FAILED', plugin: 'audit-test' });
    expect(notice!.message).toContain('2 time(s)');
    expect(notice!.message).toContain('disk full');
    expect(await metricLine()).toMatch(/event="afterToolCall".* 2$/);

    broken = false;
    await chain.runAfter(event('p:three'), () => true);
    expect(seen).toEqual(['p:three']);
    expect(notices.list()).toEqual([]);
    expect(await metricLine()).toMatch(/ 2$/); // the count of failures stays
  });
});
