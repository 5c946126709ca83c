import { randomBytes, randomUUID } from 'node:crypto';

import { deleteBullPrefix } from '@neonhub/queue';
import type { Actor, NeonHubError } from '@neonhub/schemas';
import { neonhubMetrics } from '@neonhub/telemetry';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { createHost, type Host } from '../../src/host.js';
import { buildApp } from '../../src/server/app.js';
import { lockRoot, makeRoot, operatorInject, removeRoot, silentLogger } from '../integration/helpers.js';
import { pgAdminQuery } from '../pg-admin.js';
import { type CountingProvider, startCountingProvider, writeFixtureConnector } from './fixtures.js';

/**
 * The outbox through the host pipeline (docs/outbox.md): a connector's external call is written, then delivered
 * by the dispatcher to a provider on a local port; retries, Retry-After, dead letters and an admin's retry, the
 * idempotency key, bad input. Once on PGlite with the in-process queue, and — where NEONHUB_TEST_POSTGRES_URL and
 * NEONHUB_TEST_REDIS_URL name the services — on PostgreSQL with BullMQ on Redis.
 */
const pgAdmin = process.env.NEONHUB_TEST_POSTGRES_URL;
const redisUrl = process.env.NEONHUB_TEST_REDIS_URL;
const backends = [
  { name: 'PGlite, in-process queue', services: false },
  ...(pgAdmin && redisUrl ? [{ name: 'PostgreSQL, BullMQ on Redis', services: true }] : []),
];
const owner: Actor = { type: 'user', id: 'owner-1', role: 'owner' };

describe.each(backends)('the outbox ($name)', ({ services }) => {
  let host: Host;
  let app: FastifyInstance;
  let inject: FastifyInstance['inject'];
  let root: string;
  let provider: CountingProvider;
  let paced: CountingProvider;
  const dbName = `nh_outbox_${process.pid}_${Date.now()}`;
  const prefix = `nhtest-outbox-${process.pid}-${Date.now()}`;
  const dbUrl = pgAdmin?.replace(/\/[^/]*$/, `/${dbName}`);
  const admin = (q: string) => pgAdminQuery(pgAdmin!, q);

  beforeAll(async () => {
    provider = await startCountingProvider();
    paced = await startCountingProvider();
    process.env.FX_MAIL_URL = provider.url;
    process.env.FX_PACED_URL = paced.url;
    root = makeRoot(`outbox-${services ? 'pg' : 'pglite'}`, []);
    await writeFixtureConnector(root, 'fixture-mail', { urlEnv: 'FX_MAIL_URL' });
    await writeFixtureConnector(root, 'fixture-paced', { urlEnv: 'FX_PACED_URL', rateLimit: { perSecond: 2 } });
    await lockRoot(root);
    if (services) await admin(`create database ${dbName}`);
    const config = loadConfig(
      {
        NEONHUB_DATA_DIR: '.neonhub',
        NEONHUB_OUTBOUND_ALLOW: '127.0.0.1',
        ...(services ? { DATABASE_URL: dbUrl, REDIS_URL: redisUrl, NEONHUB_SECRET_KEY: randomBytes(32).toString('base64') } : {}),
      },
      root,
    );
    host = await createHost({
      config,
      logger: silentLogger().logger,
      seed: false,
      outbox: { prefix, backoff: { baseMs: 100, maxMs: 400 }, sweepMs: 200, maxAttempts: 4 },
    });
    if (host.problems.length) throw new Error(JSON.stringify(host.problems));
    await host.storage.service.createWorkspace({ slug: 'acme' });
    await host.storage.service.enablePlugin('acme', 'fixture-mail');
    await host.storage.service.enablePlugin('acme', 'fixture-paced');
    app = await buildApp(host);
    inject = operatorInject(app, host);
  }, 120_000);

  afterAll(async () => {
    await app?.close();
    await host?.close();
    await provider?.close();
    await paced?.close();
    removeRoot(root);
    if (services) {
      await admin(`drop database if exists ${dbName} with (force)`).catch(() => {});
      await deleteBullPrefix(redisUrl!, prefix);
    }
  });

  const send = (input: unknown, idempotencyKey = randomUUID(), tool = 'fixture-mail:send') =>
    host.callTool({ workspace: 'acme', tool, input, actor: owner, idempotencyKey });
  const failure = (p: Promise<unknown>) => p.then(() => undefined).catch((e: NeonHubError) => e);
  const message = async (id: string) =>
    (await inject({ method: 'GET', url: `/api/workspaces/acme/outbox/${id}` })).json().message as {
      status: string;
      attempts: number;
      failures: number;
      lastError: { code: string } | null;
      recipientStatus: { recipient: string; status: string; providerMessageId: string | null }[];
    };
  const byKey = async (key: string) => {
    const list = (await inject({ method: 'GET', url: '/api/workspaces/acme/outbox?limit=500' })).json();
    return (list.messages as { id: string; idempotencyKey: string }[]).find((m) => m.idempotencyKey === key)!;
  };
  const until = async (cond: () => Promise<boolean>, ms = 15_000) => {
    const end = Date.now() + ms;
    while (!(await cond())) {
      if (Date.now() > end) throw new Error('timed out waiting');
      await new Promise((r) => setTimeout(r, 50));
    }
  };

  it('delivers a send once, answers with the connector output, and shows it delivered per recipient', async () => {
    const key = randomUUID();
    const r = await send({ to: 'ada@example.com', text: 'hello' }, key);
    expect(r.status).toBe('ok');
    if (r.status !== 'ok') return;
    expect(r.output).toMatchObject({ duplicate: false, status: 'sent' });
    expect(provider.accepted).toContain(key);
    const m = await byKey(key);
    const detail = await message(m.id);
    expect(detail.status).toBe('delivered');
    expect(detail.attempts).toBe(1);
    expect(detail.recipientStatus).toEqual([
      expect.objectContaining({
        recipient: 'ada@example.com',
        status: 'sent',
        providerMessageId: (r.output as { messageId: string }).messageId,
      }),
    ]);
  });

  it('the same idempotency key sends once: a repeat gets the first result as a duplicate, concurrent ones too', async () => {
    const key = randomUUID();
    const before = provider.requests;
    const results = await Promise.all(Array.from({ length: 5 }, () => send({ to: 'bob@example.com', text: 'once' }, key)));
    const again = await send({ to: 'bob@example.com', text: 'once' }, key);
    expect([...results, again].every((r) => r.status === 'ok')).toBe(true);
    const ids = new Set([...results, again].map((r) => (r.status === 'ok' ? (r.output as { messageId: string }).messageId : '')));
    expect(ids.size).toBe(1);
    expect(again.status === 'ok' && (again.output as { duplicate: boolean }).duplicate).toBe(true);
    expect(provider.requests - before).toBe(1);
    expect(provider.accepted.filter((k) => k === key)).toHaveLength(1);
  });

  it('the same key for another message is refused with NH_CONNECTOR_IDEMPOTENCY_CONFLICT (409), nothing sent', async () => {
    const key = randomUUID();
    await send({ to: 'cy@example.com', text: 'first' }, key);
    const before = provider.requests;
    const res = await inject({
      method: 'POST',
      url: '/api/workspaces/acme/tools/fixture-mail:send/call',
      payload: { input: { to: 'cy@example.com', text: 'second' }, idempotencyKey: key },
    });
    expect(res.statusCode).toBe(409);
    expect(res.json().error.code).toBe('NH_CONNECTOR_IDEMPOTENCY_CONFLICT');
    expect(provider.requests).toBe(before);
  });

  it('bad input is a coded 4xx and writes no outbox message', async () => {
    const count = async () => (await inject({ method: 'GET', url: '/api/workspaces/acme/outbox' })).json().counts;
    const before = await count();
    const bad = await inject({
      method: 'POST',
      url: '/api/workspaces/acme/tools/fixture-mail:send/call',
      payload: { input: { to: 'x', text: 1 } },
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.code).toBe('NH_TOOL_INPUT_INVALID');
    expect(await count()).toEqual(before);
    const cases: [string, string, number, string][] = [
      ['GET', '/api/workspaces/acme/outbox/not-a-uuid', 400, 'NH_REQUEST_INVALID'],
      ['GET', '/api/workspaces/acme/outbox?status=lost', 400, 'NH_REQUEST_INVALID'],
      ['GET', '/api/workspaces/acme/outbox?limit=0', 400, 'NH_REQUEST_INVALID'],
      ['GET', `/api/workspaces/acme/outbox/${randomUUID()}`, 404, 'NH_OUTBOX_NOT_FOUND'],
      ['POST', `/api/workspaces/acme/outbox/${randomUUID()}/retry`, 404, 'NH_OUTBOX_NOT_FOUND'],
      ['POST', `/api/workspaces/acme/outbox/${randomUUID()}/cancel`, 404, 'NH_OUTBOX_NOT_FOUND'],
    ];
    for (const [method, url, status, code] of cases) {
      const res = await inject({ method: method as 'GET', url });
      expect([url, res.statusCode, res.json().error?.code]).toEqual([url, status, code]);
    }
    const delivered = await byKey((await send({ to: 'dee@example.com', text: 'ok' }).then(() => provider.accepted.at(-1)))!);
    for (const action of ['retry', 'cancel']) {
      const res = await inject({ method: 'POST', url: `/api/workspaces/acme/outbox/${delivered.id}/${action}` });
      expect(res.statusCode).toBe(409);
      expect(res.json().error.code).toBe(action === 'retry' ? 'NH_OUTBOX_NOT_RETRYABLE' : 'NH_OUTBOX_NOT_CANCELLABLE');
    }
  });

  it("a 429 storm is honoured: each retry waits the provider's Retry-After, and no attempt is made in between", async () => {
    const key = randomUUID();
    provider.failNext({ status: 429, retryAfterS: 1 }, { status: 429, retryAfterS: 1 }, { status: 429, retryAfterS: 1 });
    const r = await send({ to: 'eve@example.com', text: 'storm' }, key);
    expect(r.status).toBe('queued');
    if (r.status !== 'queued') return;
    expect(r.lastError?.code).toBe('NH_CONNECTOR_RATE_LIMITED');
    await until(async () => (await message(r.messageId)).status === 'delivered');
    const tries = provider.log.filter((l) => l.key === key);
    expect(tries.map((t) => t.status)).toEqual([429, 429, 429, 200]);
    for (let i = 1; i < tries.length; i++) expect(tries[i]!.at - tries[i - 1]!.at).toBeGreaterThanOrEqual(990);
    const m = await message(r.messageId);
    expect([m.attempts, m.failures]).toEqual([4, 0]); // a 429 is not a failure: max_attempts is not spent on it
    // the same call again reports the delivery, as a duplicate, without another request
    const again = await send({ to: 'eve@example.com', text: 'storm' }, key);
    expect(again.status === 'ok' && (again.output as { duplicate: boolean }).duplicate).toBe(true);
    expect(provider.log.filter((l) => l.key === key)).toHaveLength(4);
  });

  it('a provider outage (503) is retried with backoff until delivered', async () => {
    const key = randomUUID();
    provider.failNext({ status: 503 }, { status: 503 });
    const r = await send({ to: 'fay@example.com', text: 'outage' }, key);
    expect(r.status).toBe('queued');
    if (r.status !== 'queued') return;
    await until(async () => (await message(r.messageId)).status === 'delivered');
    const m = await message(r.messageId);
    expect([m.attempts, m.failures, m.lastError?.code]).toEqual([3, 2, 'NH_CONNECTOR_UNAVAILABLE']);
    expect(provider.accepted.filter((k) => k === key)).toHaveLength(1);
  });

  it('a rejected message is dead at once (the caller gets the error); an admin retries it and it is delivered', async () => {
    const key = randomUUID();
    provider.failNext({ status: 422 });
    const err = await failure(send({ to: 'gil@example.com', text: 'rejected' }, key));
    expect(err?.code).toBe('NH_CONNECTOR_REJECTED');
    expect(err?.status).toBe(422);
    const m = await byKey(key);
    const dead = await message(m.id);
    expect([dead.status, dead.attempts, dead.lastError?.code]).toEqual(['dead', 1, 'NH_CONNECTOR_REJECTED']);
    expect(dead.recipientStatus[0]?.status).toBe('failed');
    const list = (await inject({ method: 'GET', url: '/api/workspaces/acme/outbox?status=dead' })).json();
    expect(list.messages.map((x: { id: string }) => x.id)).toContain(m.id);

    const retried = await inject({ method: 'POST', url: `/api/workspaces/acme/outbox/${m.id}/retry` });
    expect(retried.statusCode).toBe(200);
    expect(retried.json().message.status).toBe('queued');
    await until(async () => (await message(m.id)).status === 'delivered');
    expect(provider.accepted.filter((k) => k === key)).toHaveLength(1);
    expect((await message(m.id)).recipientStatus[0]?.status).toBe('sent');
  });

  it('an auth failure is retried once (a refreshed token may work), then the message is dead; cancel and retry follow the rules', async () => {
    const key = randomUUID();
    provider.failNext({ status: 401 }, { status: 401 });
    const r = await send({ to: 'hal@example.com', text: 'auth' }, key);
    expect(r.status).toBe('queued');
    const m = await byKey(key);
    await until(async () => (await message(m.id)).status === 'dead');
    expect((await message(m.id)).attempts).toBe(2);
    expect(provider.log.filter((l) => l.key === key).map((l) => l.status)).toEqual([401, 401]);
    // dead -> cancelled; a call with its key then says so; an admin can still retry it
    expect((await inject({ method: 'POST', url: `/api/workspaces/acme/outbox/${m.id}/cancel` })).json().message.status).toBe('cancelled');
    expect((await failure(send({ to: 'hal@example.com', text: 'auth' }, key)))?.code).toBe('NH_OUTBOX_CANCELLED');
    await inject({ method: 'POST', url: `/api/workspaces/acme/outbox/${m.id}/retry` });
    await until(async () => (await message(m.id)).status === 'delivered');
  });

  it("paces deliveries to the connector's declared rate limit (2 per second per account)", async () => {
    const keys = Array.from({ length: 6 }, () => randomUUID());
    const start = performance.now(); // the fake stamps arrivals with performance.now() in this process
    await Promise.all(keys.map((k, i) => send({ to: `p${i}@example.com`, text: 'paced' }, k, 'fixture-paced:send')));
    await until(async () => paced.accepted.length === 6, 20_000);
    const times = paced.log.filter((l) => l.status === 200).map((l) => l.at);
    // 6 sends at 2/s go out in three windows a second apart: the third window opens 2 s after the first send was
    // counted, which was after `start` (unpaced, all six would leave at once). Measured from `start`, a busy machine
    // can only make this later, never earlier; arrival-to-arrival spans shrink when the first window is slow to arrive.
    expect(Math.max(...times) - start).toBeGreaterThanOrEqual(1990);
    expect(paced.requests).toBe(6);
  });

  it('counts queued, delivered and dead messages in /metrics', async () => {
    const text = await neonhubMetrics().prometheus();
    for (const event of ['queued', 'delivered', 'retried', 'dead'])
      expect(text).toMatch(new RegExp(`neonhub_outbox_messages_total\\{plugin="fixture-mail",event="${event}"[^}]*\\} [1-9]`));
  });
});
