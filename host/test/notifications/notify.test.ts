import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readOperatorCredential } from '../../src/accounts/index.js';
import { loadConfig } from '../../src/config.js';
import { createHost, type Host } from '../../src/host.js';
import { buildApp } from '../../src/server/app.js';
import { repoRoot, signup } from '../accounts/helpers.js';

/**
 * Notifications (docs/console.md#notifications): a run's step that waits for approval reaches, by e-mail through the
 * workspace's e-mail connector (the sandbox here, its outbox read back), the approvers who asked for e-mail — once,
 * and nobody else: not a member (members do not approve), not an admin who kept "in the console only".
 */
let dataDir: string;
let host: Host;
let app: FastifyInstance;
let owner: Awaited<ReturnType<typeof signup>>;
let member: Awaited<ReturnType<typeof signup>>;
let quiet: Awaited<ReturnType<typeof signup>>;

const call = async (who: { auth: Record<string, string> } | null, method: 'GET' | 'PUT' | 'POST', url: string, payload?: object) => {
  const headers = who ? who.auth : { authorization: `Bearer ${readOperatorCredential(dataDir)}` };
  const r = await app.inject({ method, url, headers, ...(payload ? { payload } : {}) });
  return { status: r.statusCode, body: r.json() as Record<string, any> };
};

/** The sandbox's outbox (what would have been e-mailed) in the workspace. */
const mails = async () =>
  (
    (await host.callTool({
      workspace: 'acme',
      tool: 'connector-email-sandbox:outbox',
      input: {},
      actor: { type: 'system', id: 'test' },
    })) as {
      output: { messages: { to: string | string[]; subject: string; text?: string }[] };
    }
  ).output.messages;

async function until<T>(read: () => Promise<T | undefined>, ms: number): Promise<T | undefined> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await read();
    if (v !== undefined || Date.now() > end) return v;
    await new Promise((r) => setTimeout(r, 100));
  }
}

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'neonhub-notify-'));
  const config = loadConfig({ NEONHUB_DATA_DIR: dataDir, LOG_LEVEL: 'silent' }, repoRoot);
  host = await createHost({ config, logger: pino({ level: 'silent' }), only: ['agent-seo', 'connector-email-sandbox'], seed: false });
  app = await buildApp(host, { accounts: { github: null }, notifyEveryMs: 100, publicBaseUrl: 'https://neonhub.example.com' });
  await app.ready();
  owner = await signup(app, 'owner');
  member = await signup(app, 'member');
  quiet = await signup(app, 'quiet');
  expect((await call(owner, 'POST', '/api/workspaces', { slug: 'acme', name: 'Acme' })).status).toBe(201);
  expect((await call(owner, 'POST', '/api/workspaces/acme/members', { email: member.email, role: 'member' })).status).toBeLessThan(300);
  expect((await call(owner, 'POST', '/api/workspaces/acme/members', { email: quiet.email, role: 'admin' })).status).toBeLessThan(300);
  for (const p of ['agent-seo', 'connector-email-sandbox']) await host.storage.service.enablePlugin('acme', p);
}, 120_000);

afterAll(async () => {
  await app?.close();
  await host?.close();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

describe('notification preferences', () => {
  it('default to the console only, say which channels the workspace can send on, and are a person’s own', async () => {
    const got = await call(owner, 'GET', '/api/workspaces/acme/notifications/preferences');
    expect(got).toEqual({ status: 200, body: { via: 'in_app', slackChannel: null, available: { email: true, slack: false } } });
    const set = await call(owner, 'PUT', '/api/workspaces/acme/notifications/preferences', { via: 'email' });
    expect(set.body.via).toBe('email');
    expect((await call(member, 'PUT', '/api/workspaces/acme/notifications/preferences', { via: 'email' })).body.via).toBe('email');
    // another person's choice is untouched
    expect((await call(quiet, 'GET', '/api/workspaces/acme/notifications/preferences')).body.via).toBe('in_app');
    // the operator (or a token) is nobody to notify: a clear 400 with a code
    const op = await call(null, 'GET', '/api/workspaces/acme/notifications/preferences');
    expect(op.status).toBe(400);
    expect(op.body.error.code).toBe('NH_NOTIFY_PERSON_REQUIRED');
    const bad = await call(owner, 'PUT', '/api/workspaces/acme/notifications/preferences', { via: 'pigeon' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toMatch(/^NH_/);
  });
});

describe('an approval pending', () => {
  it('e-mails the approver who asked for e-mail, once, with a link to the run; not a member, not an admin who did not ask', async () => {
    const started = await call(owner, 'POST', '/api/workspaces/acme/runs', {
      goal: 'check the landing page',
      plan: {
        steps: [
          {
            id: 'analyze',
            title: 'Check the landing page',
            tool: 'agent-seo:analyze_page',
            input: { text: 'Hello world.' },
            needsApproval: true,
          },
        ],
      },
    });
    expect(started.status, JSON.stringify(started.body)).toBe(201);
    const runId = started.body.run.id as string;
    // A wait on the mail, capped only against a hang (the test's own limit is above it): the notifier looks every
    // 100 ms, but on a loaded CI machine the run's worker, PGlite and the outbox can take seconds; 20 s was a budget.
    const toOwner = await until(async () => (await mails()).find((m) => [m.to].flat().includes(owner.email)), 60_000);
    expect(toOwner, 'an e-mail to the approver').toBeDefined();
    expect(toOwner!.subject).toBe('Waiting for your approval: Check the landing page');
    expect(toOwner!.text).toContain('“check the landing page”');
    expect(toOwner!.text).toContain(`https://neonhub.example.com/w/acme/runs/${runId}`);
    // a few more looks of the notifier: still one, and none to the member or the admin who kept the console only
    await new Promise((r) => setTimeout(r, 600));
    const all = await mails();
    expect(all.filter((m) => [m.to].flat().includes(owner.email))).toHaveLength(1);
    expect(all.filter((m) => [m.to].flat().some((t) => t === member.email || t === quiet.email))).toHaveLength(0);
    // it went through the outbox, as the host (not a member), like every external send
    const outbox = await call(owner, 'GET', '/api/workspaces/acme/outbox');
    expect(outbox.status).toBe(200);
    expect((outbox.body.messages as { tool: string; recipients: string[] }[]).some((m) => m.recipients.includes(owner.email))).toBe(true);
  }, 120_000);
});

describe('a send that failed for good', () => {
  it('is told to the members who asked, once, even when it was marked in the millisecond a look had read, or committed after it', async () => {
    for (const who of [owner, member])
      expect((await call(who, 'PUT', '/api/workspaces/acme/notifications/preferences', { via: 'email' })).body.via).toBe('email');
    const ws = await host.storage.service.resolveWorkspace('acme');
    // Sends the outbox gave up on, written as its worker writes them (status dead, stamped with the app's clock).
    const dead = (tool: string, at: Date) =>
      host.storage.db
        .insertInto('outbox_messages')
        .values({
          id: randomUUID(),
          workspace_id: ws.id,
          plugin_id: 'connector-email-sandbox',
          tool,
          idempotency_key: `dead-${tool}`,
          input: JSON.stringify({}),
          input_hash: 'h',
          actor: JSON.stringify({ type: 'system', id: 'test' }),
          call_id: randomUUID(),
          status: 'dead',
          max_attempts: 1,
          last_error: JSON.stringify({ code: 'NH_TEST', message: 'the provider said no' }),
          updated_at: at,
        })
        .execute();
    const toMember = async (tool: string) =>
      (await mails()).filter((m) => [m.to].flat().includes(member.email) && m.subject === `A send failed: ${tool}`);
    const at = new Date();
    await dead('fixture:first', at);
    // a look has read the first one (and its time) ...
    expect(await until(async () => (await toMember('fixture:first'))[0], 60_000), 'the first failure told').toBeDefined();
    // ... then two more commit behind it: one stamped in that same millisecond, one stamped a second before (a
    // worker that marked it then and committed late). A feed that reads only after the newest time it saw loses both.
    await dead('fixture:same-ms', at);
    await dead('fixture:late', new Date(at.getTime() - 1000));
    expect(await until(async () => (await toMember('fixture:same-ms'))[0], 60_000), 'the same-millisecond failure told').toBeDefined();
    expect(await until(async () => (await toMember('fixture:late'))[0], 60_000), 'the late-committed failure told').toBeDefined();
    // once each, whatever the number of looks that read them again
    await new Promise((r) => setTimeout(r, 600));
    for (const tool of ['fixture:first', 'fixture:same-ms', 'fixture:late']) expect(await toMember(tool)).toHaveLength(1);
  }, 120_000);
});
