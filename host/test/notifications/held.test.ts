import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { FastifyInstance } from 'fastify';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { createHost, type Host } from '../../src/host.js';
import { heldCallObserver, heldSince, markExpiredHeld, pendingHeld } from '../../src/notifications/held.js';
import { buildApp } from '../../src/server/app.js';
import { repoRoot, signup } from '../accounts/helpers.js';

/**
 * A call held for approval outside a run — over MCP, or through the API the console's Call tool uses — reaches the
 * approvers who asked for e-mail (through the workspace's e-mail connector and the outbox, once) and counts in the
 * badge (`GET …/approvals/held`, no tool call) until the approvals provider approves or rejects it. A run's held step
 * is not counted there (the runs API counts it), and a member hears nothing (members do not approve).
 */
let dataDir: string;
let host: Host;
let app: FastifyInstance;
let base: string;
let owner: Awaited<ReturnType<typeof signup>>;
let member: Awaited<ReturnType<typeof signup>>;
let quiet: Awaited<ReturnType<typeof signup>>;

const call = async (who: { auth: Record<string, string> }, method: 'GET' | 'PUT' | 'POST', url: string, payload?: object) => {
  const r = await app.inject({ method, url, headers: { ...who.auth, host: new URL(base).host }, ...(payload ? { payload } : {}) });
  return { status: r.statusCode, body: r.json() as Record<string, any> };
};
const system = { type: 'system', id: 'test' } as const;

const mails = async () =>
  (
    (await host.callTool({ workspace: 'held', tool: 'connector-email-sandbox:outbox', input: {}, actor: system })) as {
      output: { messages: { to: string | string[]; subject: string; text?: string }[] };
    }
  ).output.messages;
const mailsTo = async (email: string) => (await mails()).filter((m) => [m.to].flat().includes(email));
const held = async () => (await call(owner, 'GET', '/api/workspaces/held/approvals/held')).body.held as Record<string, any>[];

async function until<T>(read: () => Promise<T | undefined>, ms: number): Promise<T | undefined> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await read();
    if (v !== undefined || Date.now() > end) return v;
    await new Promise((r) => setTimeout(r, 100));
  }
}

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'neonhub-held-'));
  const config = loadConfig({ NEONHUB_DATA_DIR: dataDir, LOG_LEVEL: 'silent' }, repoRoot);
  host = await createHost({
    config,
    logger: pino({ level: 'silent' }),
    only: ['agent-seo', 'agent-email', 'connector-email-sandbox', 'governance'],
    seed: false,
  });
  app = await buildApp(host, { accounts: { github: null }, notifyEveryMs: 100, publicBaseUrl: 'https://neonhub.example.com' });
  await app.ready();
  owner = await signup(app, 'owner');
  member = await signup(app, 'member');
  quiet = await signup(app, 'quiet');
  // listening (for the MCP client) checks the Host header against the port: the injected requests name it too
  await app.listen({ host: '127.0.0.1', port: 0 });
  base = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
  expect((await call(owner, 'POST', '/api/workspaces', { slug: 'held', name: 'Held' })).status).toBe(201);
  expect((await call(owner, 'POST', '/api/workspaces/held/members', { email: member.email, role: 'member' })).status).toBeLessThan(300);
  expect((await call(owner, 'POST', '/api/workspaces/held/members', { email: quiet.email, role: 'admin' })).status).toBeLessThan(300);
  for (const p of ['agent-seo', 'agent-email', 'connector-email-sandbox', 'governance']) await host.storage.service.enablePlugin('held', p);
  const policy = await host.callTool({
    workspace: 'held',
    tool: 'governance:set_policy',
    input: { policy: { requireApproval: { sideEffects: [], tools: ['agent-seo:analyze_page'] } }, note: 'held test' },
    actor: system,
  });
  expect(policy.status).toBe('ok');
  for (const who of [owner, member])
    expect((await call(who, 'PUT', '/api/workspaces/held/notifications/preferences', { via: 'email' })).body.via).toBe('email');
}, 120_000);

afterAll(async () => {
  await app?.close();
  await host?.close();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

describe('a call held for approval outside a run', () => {
  it('over MCP: the approver who asked is e-mailed once (a link to Approvals), the badge counts it, approving clears it', async () => {
    const minted = await call(owner, 'POST', '/api/workspaces/held/tokens', { name: 'assistant', role: 'member' });
    expect(minted.status).toBe(201);
    const client = new Client({ name: 'held-test', version: '1.0.0' });
    await client.connect(
      new StreamableHTTPClientTransport(new URL(`${base}/mcp`), {
        requestInit: { headers: { authorization: `Bearer ${minted.body.token}` } },
      }),
    );
    const tool = (await client.listTools()).tools.find((t) => t.name.endsWith('analyze_page'));
    expect(tool, 'the workspace serves analyze_page over MCP').toBeDefined();
    const answer = await client.callTool({ name: tool!.name, arguments: { text: 'Spring sale on trail shoes.' } });
    expect(JSON.stringify(answer)).toMatch(/approval/i);
    await client.close();

    // the badge's read: one call held, by the token, held by governance (the approvals provider)
    const waiting = await held();
    expect(waiting).toHaveLength(1);
    expect(waiting[0]).toMatchObject({ tool: 'agent-seo:analyze_page', provider: 'governance', actor: { type: 'token' } });
    expect(waiting[0]!.approvalId).toBeTruthy();

    // A wait on the mail, capped only against a hang: the notifier looks every 100 ms, but on a loaded CI machine a look
    // (PGlite queries, the outbox, the connector) can take seconds; 20 s was a budget that load could eat.
    const mail = await until(async () => (await mailsTo(owner.email))[0], 60_000);
    expect(mail, 'an e-mail to the approver').toBeDefined();
    expect(mail!.subject).toMatch(/^Waiting for your approval: .*analyze page/);
    expect(mail!.text).toContain('https://neonhub.example.com/w/held/approvals');
    await new Promise((r) => setTimeout(r, 600));
    expect(await mailsTo(owner.email)).toHaveLength(1);
    expect(await mailsTo(member.email), 'a member does not approve: no e-mail').toHaveLength(0);
    expect(await mailsTo(quiet.email), 'an admin who kept the console only: no e-mail').toHaveLength(0);

    // a viewer reads the count too (the badge is everyone's)
    // approved as the console's approvals page does it: the provider's approve, through the API
    const approve = await call(owner, 'POST', '/api/workspaces/held/tools/governance:approve/call', {
      input: { approvalId: waiting[0]!.approvalId },
    });
    expect(approve.body.status, JSON.stringify(approve.body)).toBe('ok');
    expect(await held()).toHaveLength(0);
  }, 90_000);

  it('through the API (the console’s Call tool): counted until rejected; an expired or otherwise gone approval leaves the count when the list is read', async () => {
    const first = await call(owner, 'POST', '/api/workspaces/held/tools/agent-seo:analyze_page/call', { input: { text: 'One.' } });
    expect(first.body.status, JSON.stringify(first.body)).toBe('pending_approval');
    const second = await call(owner, 'POST', '/api/workspaces/held/tools/agent-seo:analyze_page/call', { input: { text: 'Two.' } });
    expect(second.body.status).toBe('pending_approval');
    const both = await held();
    expect(both.map((h) => h.callId).sort()).toEqual([first.body.callId, second.body.callId].sort());
    expect(both[0]!.actor).toEqual({ type: 'user', id: owner.id });

    // the console's shell: the same reads in one call (each part what its own route answers), for any member
    const shell = await call(member, 'GET', '/api/workspaces/held/console-shell?waitingLimit=10');
    expect(shell.status, JSON.stringify(shell.body)).toBe(200);
    expect(shell.body.held).toEqual(both);
    expect(shell.body.plugins).toEqual((await call(member, 'GET', '/api/workspaces/held/plugins')).body.plugins);
    expect(shell.body.contracts).toEqual((await call(member, 'GET', '/api/workspaces/held/contracts')).body);
    expect(shell.body.contracts.approvals.plugin).toBe('governance');
    expect(shell.body.members).toEqual((await call(member, 'GET', '/api/workspaces/held/members')).body);
    expect(shell.body.members.members.map((m: { email: string }) => m.email)).toContain(member.email);
    expect(shell.body.timeZone).toBe((await call(member, 'GET', '/api/workspaces/held/time-zone')).body.timeZone);
    expect(shell.body.waiting).toEqual((await call(member, 'GET', '/api/workspaces/held/runs/waiting?limit=10')).body.runs);
    // ...and the session's `me` (the console checks the session with this call), and the host's health for those who
    // manage a workspace (the banner): a member manages none, the owner does
    expect(shell.body.me).toEqual((await call(member, 'GET', '/api/auth/me')).body);
    expect(shell.body.me.workspaces.map((w: { slug: string; role: string }) => [w.slug, w.role])).toEqual([['held', 'member']]);
    expect(shell.body.health).toBeNull();
    const owners = await call(owner, 'GET', '/api/workspaces/held/console-shell');
    expect(owners.body.me.user.email).toBe(owner.email);
    expect(owners.body.health).toEqual((await call(owner, 'GET', '/health')).body);
    const badLimit = await call(member, 'GET', '/api/workspaces/held/console-shell?waitingLimit=0');
    expect(badLimit.status).toBe(400);
    expect(badLimit.body.error.code).toMatch(/^NH_/);

    const reject = await call(owner, 'POST', '/api/workspaces/held/tools/governance:reject/call', {
      input: { approvalId: both[0]!.approvalId, reason: 'not now' },
    });
    expect(reject.body.status, JSON.stringify(reject.body)).toBe('ok');
    expect((await held()).map((h) => h.callId)).toEqual([both[1]!.callId]);

    // a note the provider no longer lists as pending (expired, or decided another way; simulated by pointing the
    // note at an approval the provider does not have) is settled when the pending list is read in full
    await host.storage.db.updateTable('held_calls').set({ approval_id: 'gone-elsewhere' }).where('call_id', '=', both[1]!.callId).execute();
    const list = await host.callTool({ workspace: 'held', tool: 'governance:list_approvals', input: { status: 'pending' }, actor: system });
    expect(list.status).toBe('ok');
    // ...and the approval the provider still holds but has no note of (as one held before notes were kept) is noted
    // from the list, with its input for the preview
    const noted = await held();
    expect(noted.map((h) => h.approvalId)).toEqual([both[1]!.approvalId]);
    expect(noted[0]).toMatchObject({ tool: 'agent-seo:analyze_page', input: { text: 'Two.' }, actor: { type: 'user', id: owner.id } });
    expect(noted[0]!.callId).not.toBe(both[1]!.callId);
    await call(owner, 'POST', '/api/workspaces/held/tools/governance:reject/call', {
      input: { approvalId: both[1]!.approvalId, reason: 'no' },
    });
    expect(await held()).toHaveLength(0);
  }, 90_000);

  it('keeps the held call’s input for the preview, and notes a call held inside another (a nested call)', async () => {
    const direct = await call(owner, 'POST', '/api/workspaces/held/tools/agent-seo:analyze_page/call', { input: { text: 'Preview me.' } });
    expect(direct.body.status).toBe('pending_approval');
    expect((await held()).find((h) => h.callId === direct.body.callId)?.input).toEqual({ text: 'Preview me.' });
    await call(owner, 'POST', '/api/workspaces/held/tools/governance:reject/call', {
      input: { approvalId: direct.body.approvalId, reason: 'no' },
    });

    // the e-mail agent's send calls the connector's send (a nested call), which the policy holds
    const policy = await host.callTool({
      workspace: 'held',
      tool: 'governance:set_policy',
      input: {
        policy: { requireApproval: { sideEffects: [], tools: ['agent-seo:analyze_page', 'connector-email-sandbox:send'] } },
        note: 'nested',
      },
      actor: system,
    });
    expect(policy.status).toBe('ok');
    const composed = await host.callTool({
      workspace: 'held',
      tool: 'agent-email:compose',
      input: { subject: 'Hi', body: 'Hello.' },
      actor: system,
    });
    expect(composed.status, JSON.stringify(composed)).toBe('ok');
    const templateId = (composed as { output: { templateId: string } }).output.templateId;
    const sent = await call(owner, 'POST', '/api/workspaces/held/tools/agent-email:send/call', {
      input: { templateId, recipients: [{ email: 'ada@example.com' }] },
    });
    expect(sent.body.status, JSON.stringify(sent.body)).toBe('ok');
    const nested = (await held()).filter((h) => h.tool === 'connector-email-sandbox:send');
    expect(nested, 'the nested call held by the policy is noted').toHaveLength(1);
    expect(nested[0]!.input).toMatchObject({ to: 'ada@example.com' });
    await call(owner, 'POST', '/api/workspaces/held/tools/governance:reject/call', {
      input: { approvalId: nested[0]!.approvalId, reason: 'no' },
    });
    await host.callTool({
      workspace: 'held',
      tool: 'governance:set_policy',
      input: { policy: { requireApproval: { sideEffects: [], tools: ['agent-seo:analyze_page'] } }, note: 'back' },
      actor: system,
    });
  }, 90_000);

  it('a held send of a draft names the destination of each tracked link in its input (the approver reads the original links)', async () => {
    const hold = (tools: string[]) =>
      host.callTool({
        workspace: 'held',
        tool: 'governance:set_policy',
        input: { policy: { requireApproval: { sideEffects: [], tools } }, note: 'links' },
        actor: system,
      });
    expect((await hold(['agent-seo:analyze_page', 'connector-email-sandbox:send'])).status).toBe('ok');
    const composed = await host.callTool({
      workspace: 'held',
      tool: 'agent-email:compose',
      input: {
        subject: 'Spring',
        body: 'New shoes: https://shop.example.com/spring?x=1 and {{link:https://shop.example.com/sale}}',
        contentId: 'draft-links',
      },
      actor: system,
    });
    expect(composed.status, JSON.stringify(composed)).toBe('ok');
    const templateId = (composed as { output: { templateId: string } }).output.templateId;
    const sent = await call(owner, 'POST', '/api/workspaces/held/tools/agent-email:send/call', {
      input: { templateId, recipients: [{ email: 'bo@example.com' }] },
    });
    expect(sent.body.status, JSON.stringify(sent.body)).toBe('ok');
    const [note] = (await held()).filter((h) => h.tool === 'connector-email-sandbox:send');
    expect(note, 'the send held by the policy').toBeDefined();
    // what is held is what will be sent: tracked links in place of the URLs written
    const text = JSON.stringify(note!.input);
    const tracked = [...text.matchAll(/https?:\/\/[^\s"\\]+\/r\/[A-Za-z0-9_-]{12}/g)].map((m) => m[0]);
    expect(tracked).toHaveLength(2);
    expect(text).not.toContain('shop.example.com');
    // and beside it, where each goes
    expect(note!.links).toEqual({ [tracked[0]!]: 'https://shop.example.com/spring?x=1', [tracked[1]!]: 'https://shop.example.com/sale' });
    // reading them follows no link: no click is recorded
    const clicks = await host.storage.db.selectFrom('result_events').select('id').where('kind', '=', 'clicked').execute();
    expect(clicks).toHaveLength(0);
    // the console's shell answers the same
    const shell = await call(member, 'GET', '/api/workspaces/held/console-shell');
    expect(shell.body.held.find((h: { callId: string }) => h.callId === note!.callId)?.links).toEqual(note!.links);
    await call(owner, 'POST', '/api/workspaces/held/tools/governance:reject/call', {
      input: { approvalId: note!.approvalId, reason: 'no' },
    });
    expect((await hold(['agent-seo:analyze_page'])).status).toBe('ok');
  }, 90_000);

  it('an expired approval leaves the count when it expires, without reading the provider’s list; one with no expiry known stays', async () => {
    const ws = await host.storage.db.selectFrom('workspaces').select('id').where('slug', '=', 'held').executeTakeFirstOrThrow();
    const start = new Date();
    const answer = await call(owner, 'POST', '/api/workspaces/held/tools/agent-seo:analyze_page/call', { input: { text: 'Expire me.' } });
    expect(answer.body.status, JSON.stringify(answer.body)).toBe('pending_approval');
    // the pipeline's answer carries the approval's expiry as governance gave it (its policy's ttlHours: 72 by default)
    const approval = await host.callTool({
      workspace: 'held',
      tool: 'governance:get_approval',
      input: { approvalId: answer.body.approvalId },
      actor: system,
    });
    const expiresAt = (approval as { output: { expiresAt: string } }).output.expiresAt;
    expect(answer.body.expiresAt).toBe(expiresAt);
    const expiry = Date.parse(expiresAt);
    expect(expiry - start.getTime()).toBeGreaterThan(71 * 3_600_000);
    expect((await held()).map((h) => h.callId)).toEqual([answer.body.callId]);

    // a policy plugin that does not say when its approval expires: noted with no expiry (as before migration 0030)
    const observe = heldCallObserver({
      db: host.storage.db,
      provides: () => true,
      resolveWorkspace: async () => ws,
      logger: pino({ level: 'silent' }),
    });
    await observe(
      { workspace: ws.id, tool: 'agent-seo:analyze_page', input: { text: 'No expiry.' }, actor: system } as Parameters<typeof observe>[0],
      {
        status: 'pending_approval',
        callId: '00000000-0000-4000-8000-00000000e0e0',
        reason: 'held by a third party',
        plugin: 'third-party',
      },
      start,
    );
    expect((await held()).map((h) => h.callId)).toEqual([answer.body.callId, '00000000-0000-4000-8000-00000000e0e0']);

    // read with the clock a second before and after the approval's expiry (no call to the provider's list between)
    const ids = async (now: Date) => (await pendingHeld(host.storage.db, ws.id, 200, now)).map((h) => h.callId);
    const fed = async (now: Date) => (await heldSince(host.storage.db, start, 100, now)).map((h) => h.call_id);
    expect(await ids(new Date(expiry - 1000))).toEqual([answer.body.callId, '00000000-0000-4000-8000-00000000e0e0']);
    expect(await fed(new Date(expiry - 1000))).toEqual([answer.body.callId, '00000000-0000-4000-8000-00000000e0e0']);
    expect(await ids(new Date(expiry + 1000)), 'expired: out of the badge').toEqual(['00000000-0000-4000-8000-00000000e0e0']);
    expect(await fed(new Date(expiry + 1000)), 'expired: out of the notifier’s feed').toEqual(['00000000-0000-4000-8000-00000000e0e0']);

    // the notifier's look marks the expired note decided at its expiry (the one with no expiry known stays open)
    expect(await markExpiredHeld(host.storage.db, new Date(expiry - 1000))).toBe(0);
    expect(await markExpiredHeld(host.storage.db, new Date(expiry + 1000))).toBe(1);
    const notes = await host.storage.db
      .selectFrom('held_calls')
      .select(['call_id', 'decided_at', 'expires_at'])
      .where('call_id', 'in', [answer.body.callId, '00000000-0000-4000-8000-00000000e0e0'])
      .execute();
    const byId = new Map(notes.map((n) => [n.call_id, n]));
    expect(new Date(byId.get(answer.body.callId)!.decided_at!).getTime()).toBe(expiry);
    expect(byId.get('00000000-0000-4000-8000-00000000e0e0')!.decided_at).toBeNull();
    expect(await ids(new Date(expiry - 1000)), 'decided: out of the badge whatever the clock').toEqual([
      '00000000-0000-4000-8000-00000000e0e0',
    ]);

    await call(owner, 'POST', '/api/workspaces/held/tools/governance:reject/call', {
      input: { approvalId: answer.body.approvalId, reason: 'no' },
    });
    await host.storage.db
      .updateTable('held_calls')
      .set({ decided_at: new Date() })
      .where('call_id', '=', '00000000-0000-4000-8000-00000000e0e0')
      .execute();
    expect(await held()).toHaveLength(0);
  }, 90_000);

  it('a run’s step held for approval is not counted here (the runs API counts it)', async () => {
    const started = await call(owner, 'POST', '/api/workspaces/held/runs', {
      goal: 'check the page',
      plan: { steps: [{ id: 'analyze', title: 'Check the page', tool: 'agent-seo:analyze_page', input: { text: 'Hi.' } }] },
    });
    expect(started.status, JSON.stringify(started.body)).toBe(201);
    const runId = started.body.run.id as string;
    const waiting = await until(async () => {
      const r = await call(owner, 'GET', `/api/runs/${runId}`);
      return r.body.steps?.some((s: { status: string }) => s.status === 'waiting_approval') ? r : undefined;
    }, 30_000);
    expect(waiting, 'the step waits for approval (governance holds it)').toBeDefined();
    // the step keeps its approval's expiry as governance gave it (past it, the step fails NH_RUN_APPROVAL_EXPIRED)
    const step = (waiting!.body.steps as { id: string; approvalId: string; approvalExpiresAt?: string }[]).find((s) => s.id === 'analyze')!;
    const approval = await host.callTool({
      workspace: 'held',
      tool: 'governance:get_approval',
      input: { approvalId: step.approvalId },
      actor: system,
    });
    expect(step.approvalExpiresAt).toBe((approval as { output: { expiresAt: string } }).output.expiresAt);
    expect(await held()).toHaveLength(0);
    // reading the provider's list does not note it either (a run's step, told apart by steps.approval_id)
    expect(
      (await host.callTool({ workspace: 'held', tool: 'governance:list_approvals', input: { status: 'pending' }, actor: system })).status,
    ).toBe('ok');
    expect(await held()).toHaveLength(0);
  }, 60_000);
});
