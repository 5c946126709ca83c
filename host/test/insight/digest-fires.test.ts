import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lockRoot, makeRoot, removeRoot, repoPlugin } from '../integration/helpers.js';
import { type Booted, boot, owner, testClock, until } from '../schedules/fixture.js';

/**
 * The weekly digest fires by itself: schedule_digest puts next Monday 09:00 on the host's scheduler (PGlite, the
 * database-polled timer), the scheduler's clock (moved ahead by the test) reaches it, the host calls send_digest as
 * the person who planned it, the sandbox connector records the e-mail once, and the week after is planned.
 */
let root: string;
let h: Booted;
const clock = testClock();

beforeAll(async () => {
  root = makeRoot(
    'insight-digest-fires',
    ['agent-insight', 'connector-email-sandbox'].map((id) => ({ from: repoPlugin(id), link: true })),
  );
  await lockRoot(root);
  h = await boot(root, { clock });
  const ws = await h.host.storage.service.createWorkspace({ slug: 'acme' });
  await h.host.storage.service.enablePlugin(ws.id, 'connector-email-sandbox');
  await h.host.storage.service.enablePlugin(ws.id, 'agent-insight', {
    digest: { enabled: true, recipients: ['team@example.com'], day: 'monday', time: '09:00' },
  });
}, 120_000);
afterAll(async () => {
  await h?.close();
  removeRoot(root);
});

const call = async (tool: string, input: unknown) => {
  const r = await h.host.callTool({ workspace: 'acme', tool, input, actor: owner });
  if (r.status !== 'ok') throw new Error(`${tool}: ${JSON.stringify(r)}`);
  return r.output as Record<string, unknown>;
};
const outbox = async () =>
  ((await call('connector-email-sandbox:outbox', {})) as { messages: Array<{ subject: string; to: string[]; idempotencyKey: string }> })
    .messages;

describe('the weekly digest on the scheduler', () => {
  it('goes out at its time, once, and plans the week after', async () => {
    const plan = (await call('agent-insight:schedule_digest', {})) as { status: string; date: string; runAt: string };
    expect(plan.status).toBe('scheduled');
    const runAt = Date.parse(plan.runAt);
    expect(new Date(runAt).getUTCDay()).toBe(1);
    expect(new Date(runAt).toISOString().slice(11, 16)).toBe('09:00');
    expect(await outbox()).toHaveLength(0);

    clock.advance(runAt - clock.now() - 1500); // 1.5 s before it is due
    // Waits, capped only against a hang (the test's limit is above both): the runner polls each second, but on a loaded
    // CI machine a poll, the pipeline call and the sandbox's outbox can take seconds each; 15 s and 10 s were budgets.
    const sent = await until(async () => (await outbox())[0], 45_000);
    expect(sent, 'the scheduler sent the digest').toBeDefined();
    expect(sent!.to).toEqual(['team@example.com']);
    expect(sent!.subject).toMatch(/^Weekly results .*: a quiet week$/); // no results stored: nothing stood out
    expect(sent!.idempotencyKey).toMatch(/^schedule:.+\/digest$/);

    const wsId = (await h.host.storage.service.resolveWorkspace('acme')).id;
    await until(
      async () =>
        (await h.host.schedules.store.byKey(wsId, 'agent-insight', `digest:${plan.date}`))?.status === 'sent' ? true : undefined,
      45_000,
    );
    expect((await h.host.schedules.store.byKey(wsId, 'agent-insight', `digest:${plan.date}`))?.status).toBe('sent');
    const nextDate = new Date(runAt + 7 * 86_400_000).toISOString().slice(0, 10);
    const next = await h.host.schedules.store.byKey(wsId, 'agent-insight', `digest:${nextDate}`);
    expect(next?.status).toBe('scheduled');
    await new Promise((r) => setTimeout(r, 1500)); // another poll or two: nothing more
    expect(await outbox()).toHaveLength(1);
  }, 120_000);
});
