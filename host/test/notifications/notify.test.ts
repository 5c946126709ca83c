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
