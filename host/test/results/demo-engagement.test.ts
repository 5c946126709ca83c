import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_ENGAGEMENT } from '../../../plugins/connector-email-sandbox/src/engagement.js';
import type { Host } from '../../src/host.js';
import { LEARNING_TASK } from '../../src/results/learning.js';
import { SOCIAL_METRICS_TASK } from '../../src/results/social-metrics.js';
import { SYSTEM_OWNER } from '../../src/schedules/index.js';
import { bootHost, lockRoot, makeRoot, removeRoot, repoPlugin } from '../integration/helpers.js';

/**
 * A fresh install's demo workspace: the sandbox e-mail connector simulates its recipients (so the funnel is not flat),
 * every simulated event marked sandbox in its data, and the workspace has its metrics and learning schedules from
 * the moment it was seeded.
 */
let root: string;
let host: Host;
const owner = { type: 'user' as const, id: 'newcomer', role: 'owner' as const };

beforeAll(async () => {
  root = makeRoot('demo-engagement', [{ from: repoPlugin('connector-email-sandbox'), link: true }]);
  await lockRoot(root);
  host = await bootHost(root, { seed: true });
}, 120_000);

afterAll(async () => {
  await host?.close();
  removeRoot(root);
});

describe('the demo workspace', () => {
  it('has sandbox engagement on and its system schedules, and a send there is delivered and opened, marked sandbox', async () => {
    const demo = await host.storage.service.resolveWorkspace('demo');
    expect((await host.storage.service.getConfig(demo.id, 'connector-email-sandbox')).engagement).toEqual(DEFAULT_ENGAGEMENT);
    for (const task of [LEARNING_TASK, SOCIAL_METRICS_TASK])
      expect((await host.schedules.store.byKey(demo.id, SYSTEM_OWNER, task.tool))?.status, task.tool).toBe('scheduled');

    const to = Array.from({ length: 30 }, (_, i) => `reader${i}@example.com`);
    const r = await host.callTool({
      workspace: 'demo',
      tool: 'connector-email-sandbox:send',
      input: { to, subject: 'Spring sale', text: 'It is on.', tags: { campaign: 'spring' } },
      actor: owner,
      idempotencyKey: 'demo-send-1',
    });
    expect(r.status).toBe('ok');
    const rows = await host.storage.db
      .selectFrom('result_events')
      .select(['kind', 'data'])
      .where('workspace_id', '=', demo.id)
      .where('kind', '!=', 'sent')
      .execute();
    const count = (kind: string) => rows.filter((e) => e.kind === kind).length;
    expect(count('delivered') + count('bounced')).toBe(to.length);
    // 45% opens of 30: none at all would happen once in ~10^8 message ids
    expect(count('opened')).toBeGreaterThan(0);
    for (const e of rows) expect((e.data as { sandbox?: boolean }).sandbox).toBe(true);
  });
});
