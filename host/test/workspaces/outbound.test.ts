import { createServer, type Server, type Socket } from 'node:net';
import { type FakeProvider, fakeReply, startFakeOpenAI } from '@neonhub/llm/testing';
import { isNeonHubError } from '@neonhub/schemas';
import type { FastifyInstance, InjectOptions } from 'fastify';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Host } from '../../src/host.js';
import { buildApp } from '../../src/server/app.js';
import { bootHost, lockRoot, makeRoot, operatorInject, removeRoot, repoPlugin } from '../integration/helpers.js';

/**
 * A workspace's model is reached only through the outbound guard: an admin pointing it at 127.0.0.1:5432 (the
 * host's Postgres) or any loopback, private or metadata address is refused when saving, and again when a member
 * drafts, so the workspace's API key never leaves for such a place. Only the operator allow-lists one.
 */
const actor = { type: 'user' as const, id: 'member-1', role: 'member' as const };
let root: string;
let host: Host;
let app: FastifyInstance;
let op: FastifyInstance['inject'];
let fake: FakeProvider;

/** A raw TCP listener on 127.0.0.1 that records every byte it receives and then hangs up. */
const trapBytes: Buffer[] = [];
let trapConnections = 0;
let trap: Server;
let trapPort: number;
let closedPort: number;

const listen = async (s: Server) => {
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  return (s.address() as { port: number }).port;
};

beforeAll(async () => {
  fake = await startFakeOpenAI();
  trap = createServer((socket: Socket) => {
    trapConnections++;
    socket.on('data', (d) => {
      trapBytes.push(d);
      socket.destroy();
    });
  });
  trapPort = await listen(trap);
  const probe = createServer();
  closedPort = await listen(probe);
  await new Promise<void>((r) => probe.close(() => r()));

  root = makeRoot('workspace-outbound', [{ from: repoPlugin('agent-content'), link: true }]);
  await lockRoot(root);
  host = await bootHost(root); // no NEONHUB_OUTBOUND_ALLOW: nothing non-public is allowed
  for (const slug of ['ws-a', 'ws-b']) {
    await host.storage.service.createWorkspace({ slug });
    await host.storage.service.enablePlugin(slug, 'agent-content');
  }
  app = await buildApp(host);
  op = operatorInject(app, host);
}, 60_000);

afterAll(async () => {
  await app?.close();
  await host?.close();
  await fake?.close();
  await new Promise<void>((r) => (trap ? trap.close(() => r()) : r()));
  removeRoot(root);
});

beforeEach(async () => {
  await host.storage.outbound.set('ws-a', { allow: [] });
  await host.storage.llm.clear('ws-a');
});

const setModel = (baseURL: string, apiKey = 'sk-must-not-leak') =>
  op({ method: 'PUT', url: '/api/workspaces/ws-a/llm', payload: { provider: 'openai', model: 'gpt-4o-mini', baseURL, apiKey } });
const setAllow = (allow: string[], inject = op) => inject({ method: 'PUT', url: '/api/workspaces/ws-a/outbound', payload: { allow } });
const draft = () =>
  host.callTool({ workspace: 'ws-a', tool: 'agent-content:draft', input: { kind: 'social', topic: 'spring sale' }, actor });
const failure = (p: Promise<unknown>) =>
  p.then(
    () => {
      throw new Error('expected a failure');
    },
    (err: unknown) => {
      if (!isNeonHubError(err)) throw err;
      return { code: err.code, message: err.message, details: err.details };
    },
  );
const received = () => Buffer.concat(trapBytes).toString('latin1');

describe("a workspace's model behind the outbound guard", () => {
  it('refuses 127.0.0.1:5432 and every other spelling of a non-public target when saving, with a coded 400', async () => {
    const targets = [
      'http://127.0.0.1:5432/v1',
      `http://127.0.0.1:${trapPort}/v1`,
      'http://2130706433:5432/v1',
      'http://0x7f.1:5432/v1',
      'http://0177.0.0.1:5432/v1',
      'http://[::1]:5432/v1',
      'http://[::ffff:127.0.0.1]:5432/v1',
      'http://localhost:5432/v1',
      'http://10.0.0.8/v1',
      'http://192.168.0.10:11434/v1',
      'http://100.64.1.1/v1',
      'http://169.254.169.254/latest/meta-data/',
      'http://[fd00:ec2::254]/latest/meta-data/',
      'http://metadata.google.internal/computeMetadata/v1/',
      'http://metadata/computeMetadata/v1/',
    ];
    for (const baseURL of targets) {
      const res = await setModel(baseURL);
      expect.soft(res.statusCode, baseURL).toBe(400);
      expect.soft(res.json().error.code, baseURL).toBe('NH_OUTBOUND_BLOCKED');
    }
    // Ollama's default address is loopback too.
    const ollama = await op({ method: 'PUT', url: '/api/workspaces/ws-a/llm', payload: { provider: 'ollama' } });
    expect(ollama.json().error.code).toBe('NH_OUTBOUND_BLOCKED');
    expect(await host.storage.llm.get('ws-a')).toMatchObject({ source: 'host', provider: 'offline' });
    expect(trapConnections).toBe(0);
  });

  it('says the same for an open and a closed port', async () => {
    const open = await setModel(`http://127.0.0.1:${trapPort}/v1`);
    const shut = await setModel(`http://127.0.0.1:${closedPort}/v1`);
    expect(shut.statusCode).toBe(open.statusCode);
    expect(shut.json().error.message).toBe(open.json().error.message);
    expect(shut.json().error.code).toBe('NH_OUTBOUND_BLOCKED');
    expect(trapConnections).toBe(0);
  });

  it('refuses at call time too: a model saved while allowed is not called once the allow-list drops it, and the key never arrives', async () => {
    expect((await setAllow([`127.0.0.1:${trapPort}`])).statusCode).toBe(200);
    expect((await setModel(`http://127.0.0.1:${trapPort}/v1`)).statusCode).toBe(200);
    expect((await setAllow([])).json().outbound.workspace).toEqual([]);

    const refused = await failure(draft());
    expect(refused.code).toBe('NH_OUTBOUND_BLOCKED');
    expect(trapConnections).toBe(0);
    expect(received()).toBe('');

    // The control: allow-listed, the same draft does reach the listener with the key (which hangs up: a generic error).
    await setAllow([`127.0.0.1:${trapPort}`]);
    const failed = await failure(draft());
    // A 502 from inside the tool is reported as the tool's failure, with the guard's code in details.
    expect(failed).toMatchObject({ code: 'NH_TOOL_FAILED', details: { code: 'NH_OUTBOUND_FAILED' } });
    expect(JSON.stringify(failed)).not.toMatch(/ECONN|EPIPE|socket|errno/i);
    expect(trapConnections).toBeGreaterThan(0);
    expect(received()).toContain('sk-must-not-leak');
    trapBytes.splice(0);
    trapConnections = 0;
  });

  it('reaches a local model the operator allow-listed for the workspace, and only for that workspace', async () => {
    const fakeHost = new URL(fake.baseURL).host;
    expect((await setAllow([fakeHost])).json().outbound).toEqual({ host: [], workspace: [fakeHost] });
    expect((await setModel(fake.baseURL, 'sk-allowed')).statusCode).toBe(200);
    fake.enqueue(fakeReply.text('Spring sale: thirty percent off.'));
    const r = await draft();
    expect(r).toMatchObject({ status: 'ok', output: { offline: false } });
    expect(fake.requests.at(-1)?.headers.authorization).toBe('Bearer sk-allowed');

    // ws-b has no allow-list: the same address is refused there.
    const other = await op({
      method: 'PUT',
      url: '/api/workspaces/ws-b/llm',
      payload: { provider: 'openai', model: 'gpt-4o-mini', baseURL: fake.baseURL, apiKey: 'k' },
    });
    expect(other.json().error.code).toBe('NH_OUTBOUND_BLOCKED');
  });

  it('lets only the operator change the allow-list, and refuses a malformed entry with a code', async () => {
    const bad = await setAllow(['127.0.0.1:99999']);
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.code).toBe('NH_OUTBOUND_ALLOW_INVALID');
    expect((await setAllow('nope' as unknown as string[])).statusCode).toBe(400);

    const workspace = await host.storage.service.resolveWorkspace('ws-a');
    const { token } = await host.storage.tokens.create({ workspaceId: workspace.id, role: 'owner', name: 'owner token' });
    const asOwner = ((opts: InjectOptions) =>
      app.inject({ ...opts, headers: { authorization: `Bearer ${token}` } })) as FastifyInstance['inject'];
    const forbidden = await setAllow(['127.0.0.1:5432'], asOwner);
    expect(forbidden.statusCode).toBe(403);
    expect(forbidden.json().error.code).toBe('NH_AUTH_FORBIDDEN');
    expect((await op({ method: 'GET', url: '/api/workspaces/ws-a/outbound' })).json().outbound).toEqual({ host: [], workspace: [] });
  });
});
