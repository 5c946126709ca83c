import type { Orchestrator } from '@neonhub/orchestrator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Host } from '../../src/host.js';
import { recordProviderEvents } from '../../src/results/events.js';
import { createRuns } from '../../src/runs/index.js';
import { bootHost, lockRoot, makeRoot, removeRoot, repoPlugin } from '../integration/helpers.js';

/**
 * A run ends with a results summary (its `run.summary` event): the funnel of the messages its steps sent so far and
 * the totals of the campaigns it named — read from the stored results, with no tool or plugin named in core.
 */
let root: string;
let host: Host;
let runs: Orchestrator;
let workspaceId: string;
const actor = { type: 'user' as const, id: 'owner-1', role: 'owner' as const };

beforeAll(async () => {
  root = makeRoot('run-summary', [
    { from: repoPlugin('connector-email-sandbox'), link: true },
    { from: repoPlugin('connector-social-sandbox'), link: true },
  ]);
  await lockRoot(root);
  host = await bootHost(root);
  workspaceId = (await host.storage.service.createWorkspace({ slug: 'shop' })).id;
  await host.storage.service.enablePlugin('shop', 'connector-email-sandbox');
  await host.storage.service.enablePlugin('shop', 'connector-social-sandbox');
  runs = await createRuns(host);
}, 120_000);

afterAll(async () => {
  await runs?.close();
  await host?.close();
  removeRoot(root);
});

describe('run.summary', () => {
  it('a finished run reports what its sends and its campaign have had so far', async () => {
    const at = new Date().toISOString();
    // earlier sends of the campaign: 2 sent, both delivered, one clicked
    await recordProviderEvents(host.storage.db, workspaceId, [
      { id: 'e1', type: 'sent', messageId: 'old-1', occurredAt: at, data: {}, campaign: 'spring', variant: 'A', channel: 'email' },
      { id: 'e2', type: 'sent', messageId: 'old-2', occurredAt: at, data: {}, campaign: 'spring', variant: 'A', channel: 'email' },
      { id: 'e3', type: 'delivered', messageId: 'old-1', occurredAt: at, data: {} },
      { id: 'e4', type: 'delivered', messageId: 'old-2', occurredAt: at, data: {} },
      { id: 'e5', type: 'clicked', messageId: 'old-2', occurredAt: at, data: {} },
    ]);
    const view = await runs.start({
      workspace: 'shop',
      goal: 'send the spring sale to Ana',
      actor,
      plan: {
        steps: [
          {
            id: 'send',
            tool: 'connector-email-sandbox:send',
            input: { to: 'ana@shop.test', subject: 'Spring sale', text: 'It is on.', tags: { campaign: 'spring' } },
          },
        ],
      },
    });
    const done = await runs.waitFor(view.run.id, ['succeeded', 'failed']);
    expect(done.run.status).toBe('succeeded');
    const events = await runs.events(view.run.id);
    const summary = events.find((e) => e.type === 'run.summary');
    expect(summary).toBeDefined();
    // written before the waiters woke: right after the final status
    expect(events.at(-1)!.type).toBe('run.summary');
    expect(summary!.data).toMatchObject({
      kind: 'results',
      status: 'succeeded',
      messages: { sent: 1, delivered: 1, opened: 0, clicked: 0, converted: 0 },
      // counted by the channel its delivery was recorded on
      byKind: { email: 1, sms: 0, chat: 0, post: 0, message: 0 },
      // the run's own send is in the campaign too: its `sent` (the outbox's delivery) and its sandbox delivery event
      campaigns: [{ campaign: 'spring', totals: { sent: 3, delivered: 3, opened: 0, clicked: 1, converted: 0 } }],
    });
    expect(summary!.data.text).toBe(
      'This run sent 1 e-mail. So far: 1 delivered (100%), 0 opened, 0 clicked, no conversion yet. Campaign spring so far: 3 messages, 3 delivered (100%), 0 opened, 1 clicked (33%), no conversion yet.',
    );
  });

  it('a run that sent an e-mail and published a post says both, each by its kind', async () => {
    const view = await runs.start({
      workspace: 'shop',
      goal: 'tell Ana and LinkedIn',
      actor,
      plan: {
        steps: [
          { id: 'mail', tool: 'connector-email-sandbox:send', input: { to: 'ana@shop.test', subject: 'Hi', text: 'It is on.' } },
          { id: 'post', tool: 'connector-social-sandbox:post', input: { network: 'linkedin', text: 'Our spring sale is on.' } },
        ],
      },
    });
    const done = await runs.waitFor(view.run.id, ['succeeded', 'failed']);
    expect(done.run.status).toBe('succeeded');
    const summary = (await runs.events(view.run.id)).find((e) => e.type === 'run.summary');
    expect(summary!.data).toMatchObject({
      messages: { sent: 1 },
      byKind: { email: 1, sms: 0, chat: 0, post: 1, message: 0 },
    });
    expect(summary!.data.text).toMatch(/^This run sent 1 e-mail and published 1 post\. So far: 1 delivered \(100%\)/);
  });
});
