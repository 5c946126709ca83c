import { join } from 'node:path';
import type { ScheduledCall } from '@neonhub/schemas';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/server/app.js';
import { lockRoot, makeRoot, operatorInject, removeRoot, repoPlugin } from '../integration/helpers.js';
import { type Booted, boot, owner, testClock } from '../schedules/fixture.js';

/**
 * A third-party calendar replaces agent-social's: `planner` (host/test/fixtures/contracts) provides the calendar
 * contract under its own id and tool names (mapped in its manifest's `provides`). The calendar route puts a post on
 * it and the host fires its publish tool when due; in a workspace where agent-social is enabled, the same route
 * goes to agent-social; where neither is, it is refused with a code. The host names neither.
 */
const FIXTURES = join(import.meta.dirname, '../fixtures/contracts');
let root: string;
const clock = testClock();
let h: Booted;
let app: FastifyInstance;
let inject: FastifyInstance['inject'];

beforeAll(async () => {
  root = makeRoot('contracts-calendar', [
    { from: repoPlugin('agent-social'), link: true },
    { from: repoPlugin('connector-social-sandbox'), link: true },
    { from: join(FIXTURES, 'planner'), link: true },
  ]);
  await lockRoot(root);
  h = await boot(root, { clock });
  const ws = h.host.storage.service;
  for (const slug of ['acme', 'other', 'bare']) await ws.createWorkspace({ slug });
  await ws.enablePlugin('acme', 'planner');
  for (const id of ['agent-social', 'connector-social-sandbox']) await ws.enablePlugin('other', id);
  app = await buildApp(h.host);
  inject = operatorInject(app, h.host);
}, 120_000);

afterAll(async () => {
  await app?.close();
  await h?.close();
  removeRoot(root);
});

const json = async <T = Record<string, unknown>>(method: 'GET' | 'POST', url: string, payload?: unknown) => {
  const r = await inject({ method, url, ...(payload === undefined ? {} : { payload: payload as object }) });
  return { status: r.statusCode, body: r.json() as T };
};
type Created = { schedule: ScheduledCall; entry: { entryId: string }; error: { code: string; details: unknown } };

describe('a third-party plugin providing the calendar contract', () => {
  it('is the calendar provider the contracts API names, with its own tools mapped to the contract', async () => {
    const acme = await json<Record<string, unknown>>('GET', '/api/workspaces/acme/contracts');
    expect(acme.body.calendar).toEqual({
      plugin: 'planner',
      tools: {
        list_entries: 'planner:agenda',
        schedule: 'planner:plan_post',
        update_entry: 'planner:edit_post',
        cancel: 'planner:drop_post',
        publish: 'planner:post_now',
      },
    });
    const other = await json<Record<string, { plugin: string; tools: Record<string, string> } | null>>(
      'GET',
      '/api/workspaces/other/contracts',
    );
    expect(other.body.calendar?.plugin).toBe('agent-social');
    expect(other.body.calendar?.tools.list_entries).toBe('agent-social:calendar');
  });

  it("is what the calendar's new post goes through, and the schedule it registers fires its publish tool", async () => {
    const at = new Date(clock.now() + 60_000).toISOString();
    const created = await json<Created>('POST', '/api/workspaces/acme/calendar/posts', {
      network: 'x',
      text: 'Planned elsewhere',
      scheduledAt: at,
    });
    expect(created.status).toBe(201);
    expect(created.body.entry.entryId).toMatch(/^plan_/);
    expect(created.body.schedule).toMatchObject({
      plugin: 'planner',
      tool: 'planner:post_now',
      key: created.body.entry.entryId,
      status: 'scheduled',
    });

    clock.advance(61_000);
    await h.runner.tick();
    const fired = await json<{ schedule: ScheduledCall }>('GET', `/api/workspaces/acme/schedules/${created.body.schedule.id}`);
    expect(fired.body.schedule.status).not.toBe('scheduled');
    const agenda = await h.host.callTool({ workspace: 'acme', tool: 'planner:agenda', input: {}, actor: owner });
    expect((agenda as { output: { entries: { entryId: string; status: string }[] } }).output.entries).toEqual([
      expect.objectContaining({ entryId: created.body.entry.entryId, status: 'published' }),
    ]);
  });

  it('in a workspace with agent-social instead, the same route goes to agent-social', async () => {
    const created = await json<Created>('POST', '/api/workspaces/other/calendar/posts', {
      network: 'linkedin',
      text: 'Planned by the social agent',
      scheduledAt: new Date(clock.now() + 3_600_000).toISOString(),
    });
    expect(created.status).toBe(201);
    expect(created.body.schedule).toMatchObject({ plugin: 'agent-social', tool: 'agent-social:publish' });
  });

  it('where no enabled plugin provides the calendar, a new post is refused with NH_CONTRACT_MISSING (409)', async () => {
    const r = await json<Created>('POST', '/api/workspaces/bare/calendar/posts', {
      network: 'x',
      text: 'Nobody plans this',
      scheduledAt: new Date(clock.now() + 3_600_000).toISOString(),
    });
    expect([r.status, r.body.error.code, r.body.error.details]).toEqual([409, 'NH_CONTRACT_MISSING', { contract: 'calendar' }]);
  });
});
