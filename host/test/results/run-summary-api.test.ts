import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Host } from '../../src/host.js';
import { buildApp } from '../../src/server/app.js';
import { bootHost, lockRoot, makeRoot, operatorInject, removeRoot, repoPlugin } from '../integration/helpers.js';

/**
 * `GET /api/runs/:id/summary` (what the console's run page shows a marketer): the `run.summary` event the run ended
 * with, and the same figures computed now — an open and a click that arrive after the run change `now`, not `atEnd`.
 * A run of another workspace is a 404, as for getRun.
 */
let root: string;
let host: Host;
let app: FastifyInstance;
let op: FastifyInstance['inject'];

// biome-ignore lint/suspicious/noExplicitAny: API answers are checked field by field below
const json = async (p: PromiseLike<{ statusCode: number; body: string; json(): any }>) => {
  const r = await p;
  if (r.statusCode >= 300) throw new Error(`${r.statusCode} ${r.body}`);
  return r.json();
};

beforeAll(async () => {
  root = makeRoot('run-summary-api', [{ from: repoPlugin('connector-email-sandbox'), link: true }]);
  await lockRoot(root);
  host = await bootHost(root);
  app = await buildApp(host, { accounts: { github: null } });
  await app.ready();
  op = operatorInject(app, host);
  await host.storage.service.createWorkspace({ slug: 'shop' });
  await host.storage.service.enablePlugin('shop', 'connector-email-sandbox');
}, 120_000);

afterAll(async () => {
  await app?.close();
  await host?.close();
  removeRoot(root);
});

describe('GET /api/runs/:id/summary', () => {
  it('answers the summary the run ended with and the results so far', async () => {
    const started = await json(
      op({
        method: 'POST',
        url: '/api/workspaces/shop/runs',
        payload: {
          goal: 'send the spring sale to Ana',
          plan: {
            steps: [
              {
                id: 'send',
                tool: 'connector-email-sandbox:send',
                input: { to: 'ana@shop.test', subject: 'Spring sale', text: 'It is on.', tags: { campaign: 'spring' } },
              },
            ],
          },
        },
      }),
    );
    const id: string = started.run.id;
    let view = started;
    // waits on the run's status; the deadline is a hang guard (a loaded machine runs it in seconds, not 10 s)
    const runBy = Date.now() + 90_000;
    while (!['succeeded', 'failed'].includes(view.run.status) && Date.now() < runBy) {
      await new Promise((r) => setTimeout(r, 50));
      view = await json(op({ method: 'GET', url: `/api/runs/${id}` }));
    }
    expect(view.run.status).toBe('succeeded');
    const messageId: string = view.steps[0].output.messageId;
    expect(messageId).toBeTruthy();

    let first = await json(op({ method: 'GET', url: `/api/runs/${id}/summary` }));
    // the event is written right after the final status: wait for it
    const eventBy = Date.now() + 60_000;
    while (first.atEnd === null && Date.now() < eventBy) {
      await new Promise((r) => setTimeout(r, 50));
      first = await json(op({ method: 'GET', url: `/api/runs/${id}/summary` }));
    }
    expect(first.runId).toBe(id);
    expect(first.atEnd.summary.messages).toEqual({ sent: 1, delivered: 1, opened: 0, clicked: 0, converted: 0 });
    expect(first.atEnd.summary.text).toMatch(/^This run sent 1 e-mail\. So far: 1 delivered \(100%\), 0 opened/);
    expect(first.words).toEqual({
      headline: 'This run sent 1 e-mail.',
      messages: 'So far: 1 delivered (100%), 0 opened, 0 clicked, no conversion yet.',
      since: null,
      campaigns: [{ campaign: 'spring', text: '1 message, 1 delivered (100%), 0 opened, 0 clicked, no conversion yet.' }],
    });
    expect(first.now.messages).toEqual(first.atEnd.summary.messages);

    // Ana opens and clicks after the run (the send was recorded under its tag's campaign at the outbox): `now`
    // counts them, the summary the run ended with does not change
    const at = new Date().toISOString();
    const recorded = await json(
      op({
        method: 'POST',
        url: '/api/workspaces/shop/events',
        payload: {
          events: [
            { id: 'o1', type: 'opened', messageId, occurredAt: at, data: {} },
            { id: 'c1', type: 'clicked', messageId, occurredAt: at, data: {} },
          ],
        },
      }),
    );
    expect(recorded).toEqual({ recorded: 2, duplicates: 0, unmatched: 0 });
    const later = await json(op({ method: 'GET', url: `/api/runs/${id}/summary` }));
    expect(later.now.messages).toEqual({ sent: 1, delivered: 1, opened: 1, clicked: 1, converted: 0 });
    expect(later.now.campaigns).toEqual([{ campaign: 'spring', totals: { sent: 1, delivered: 1, opened: 1, clicked: 1, converted: 0 } }]);
    expect(later.now.text).toMatch(/1 opened \(100%\), 1 clicked \(100%\)/);
    // the words the run page renders as is: what arrived since the run finished
    expect(later.words.since).toBe('Since the run finished: +1 open, +1 click.');
    expect(later.atEnd).toEqual(first.atEnd);

    // another workspace's member sees no such run
    await host.storage.service.createWorkspace({ slug: 'other' });
    const token = await json(op({ method: 'POST', url: '/api/workspaces/other/tokens', payload: { name: 'reader', role: 'viewer' } }));
    const r = await app.inject({ method: 'GET', url: `/api/runs/${id}/summary`, headers: { authorization: `Bearer ${token.token}` } });
    expect(r.statusCode).toBe(404);
    expect(r.json().error.code).toBe('NH_RUN_NOT_FOUND');
  }, 240_000);
});
