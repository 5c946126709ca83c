import { McpError, ToolListChangedNotificationSchema } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectHttp, initializeBody, postWithHost, rawPost } from './client.js';
import { startTestHost, type TestHost } from './fixtures/harness.js';

let host: TestHost;
let alphaMember: string;
let alphaViewer: string;
let betaMember: string;

beforeAll(async () => {
  host = await startTestHost();
  host.workspaces.enable('alpha', 'demo'); // only in alpha
  alphaMember = await host.token('alpha', 'member');
  alphaViewer = await host.token('alpha', 'viewer');
  betaMember = await host.token('beta', 'member');
});
afterAll(async () => {
  await host?.close();
});

const demoTools = ['demo__echo', 'demo__fail', 'demo__noop', 'demo__save_draft', 'demo__send_email', 'demo__work_10ms'];

describe('MCP gateway over Streamable HTTP', () => {
  it("lists exactly the enabled tools of the token's workspace, with schemas and annotations", async () => {
    const { client } = await connectHttp(host.url, alphaMember);
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name)).toEqual(demoTools);
    const echo = tools.find((t) => t.name === 'demo__echo')!;
    expect(echo.description).toBe('Echoes a text back, upper-cased on request.');
    expect(echo.inputSchema.properties).toHaveProperty('text');
    expect(echo.outputSchema?.properties).toHaveProperty('length');
    expect(echo.annotations).toMatchObject({ readOnlyHint: true, destructiveHint: false });
    expect(tools.find((t) => t.name === 'demo__save_draft')!.annotations).toMatchObject({
      readOnlyHint: false,
      destructiveHint: false,
      openWorldHint: false,
    });
    expect(tools.find((t) => t.name === 'demo__send_email')!.annotations).toMatchObject({
      readOnlyHint: false,
      destructiveHint: true,
      openWorldHint: true,
    });
    expect(echo._meta).toMatchObject({ 'neonhub/tool': 'demo:echo', 'neonhub/sideEffect': 'read' });
    await client.close();
  });

  it('calls a tool through the pipeline and returns structured output', async () => {
    const { client } = await connectHttp(host.url, alphaMember);
    const result = await client.callTool({ name: 'demo__echo', arguments: { text: 'hello', upper: true } });
    expect(result.isError).toBeFalsy();
    expect(result.structuredContent).toEqual({ text: 'HELLO', length: 5 });
    expect(JSON.parse((result.content as { text: string }[])[0]!.text)).toEqual({ text: 'HELLO', length: 5 });
    expect(result._meta?.['neonhub/callId']).toEqual(expect.any(String));
    await client.close();
  });

  it('turns pipeline errors into isError results with the NeonHub code', async () => {
    const { client } = await connectHttp(host.url, alphaMember);
    const bad = await client.callTool({ name: 'demo__echo', arguments: { text: 42 } });
    expect(bad.isError).toBe(true);
    expect((bad.content as { text: string }[])[0]!.text).toMatch(/^NH_TOOL_INPUT_INVALID: /);
    const failed = await client.callTool({ name: 'demo__fail', arguments: {} });
    expect(failed.isError).toBe(true);
    expect((failed.content as { text: string }[])[0]!.text).toMatch(/^NH_TOOL_FAILED: .*failed on purpose/);
    expect(failed._meta?.['neonhub/error']).toMatchObject({ code: 'NH_TOOL_FAILED' });
    await client.close();
  });

  it("a token of another workspace neither sees nor calls that workspace's tools", async () => {
    const { client } = await connectHttp(host.url, betaMember);
    expect((await client.listTools()).tools).toEqual([]);
    const err = await client.callTool({ name: 'demo__echo', arguments: { text: 'x' } }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(McpError);
    expect((err as McpError).code).toBe(-32602); // invalid params: unknown tool
    expect((err as McpError).message).toContain('NH_TOOL_NOT_ENABLED');
    const unknownTool = await client.callTool({ name: 'nope', arguments: {} }).catch((e: unknown) => e);
    expect((unknownTool as McpError).code).toBe(-32602);
    await client.close();
  });

  it('a viewer may call read tools but not write tools', async () => {
    const { client } = await connectHttp(host.url, alphaViewer);
    const read = await client.callTool({ name: 'demo__echo', arguments: { text: 'ok' } });
    expect(read.isError).toBeFalsy();
    const write = await client.callTool({ name: 'demo__save_draft', arguments: { title: 't' } });
    expect(write.isError).toBe(true);
    expect((write.content as { text: string }[])[0]!.text).toMatch(/^NH_AUTH_FORBIDDEN: /);
    await client.close();
  });

  it('answers 401 with WWW-Authenticate for a missing or bad token', async () => {
    for (const headers of <Record<string, string>[]>[
      {},
      { authorization: 'Bearer nh_notarealtoken' },
      { authorization: `Bearer nh_${'A'.repeat(43)}` },
      { authorization: 'Basic abc' },
    ]) {
      const res = await rawPost(host.url, initializeBody, headers);
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toBe(
        `Bearer resource_metadata="http://127.0.0.1:${host.port}/.well-known/oauth-protected-resource"${'authorization' in headers ? ', error="invalid_token"' : ''}`,
      );
      const body = (await res.json()) as { error: { code: string } };
      expect(body.error.code).toBe('authorization' in headers ? 'NH_AUTH_TOKEN_INVALID' : 'NH_AUTH_TOKEN_MISSING');
    }
    const meta = await fetch(new URL('/.well-known/oauth-protected-resource', host.url));
    expect(await meta.json()).toMatchObject({ resource: `http://127.0.0.1:${host.port}/mcp`, bearer_methods_supported: ['header'] });
  });

  it('a revoked token is refused at once', async () => {
    const { token, info } = await host.tokens.create({ workspaceId: host.workspaces.get('alpha').id, role: 'member', name: 'short-lived' });
    const { client } = await connectHttp(host.url, token);
    await host.tokens.revoke(info.workspaceId, info.id);
    const res = await rawPost(host.url, initializeBody, { authorization: `Bearer ${token}` });
    expect(res.status).toBe(401);
    await client.close().catch(() => {});
  });

  it('a session id presented with another token gets nothing', async () => {
    const { client, sessionId } = await connectHttp(host.url, alphaMember);
    const otherSameWorkspace = await host.token('alpha', 'owner', 'other');
    for (const token of [otherSameWorkspace, betaMember]) {
      const res = await rawPost(
        host.url,
        { jsonrpc: '2.0', id: 2, method: 'tools/list', params: {} },
        { authorization: `Bearer ${token}`, 'mcp-session-id': sessionId, 'mcp-protocol-version': '2025-06-18' },
      );
      expect(res.status).toBe(404);
      const body = (await res.json()) as { error: { message: string }; result?: unknown };
      expect(body.result).toBeUndefined();
      expect(body.error.message).toMatch(/^NH_MCP_SESSION_NOT_FOUND/);
    }
    // the owner's session still works
    expect((await client.listTools()).tools.length).toBe(demoTools.length);
    await client.close();
  });

  it('refuses a foreign Host or Origin (DNS-rebinding protection) before anything else', async () => {
    const evilHost = await postWithHost(host.url, 'evil.example.com', initializeBody, { authorization: `Bearer ${alphaMember}` });
    expect(evilHost.status).toBe(403);
    const evilOrigin = await rawPost(host.url, initializeBody, {
      origin: 'http://evil.example.com',
      authorization: `Bearer ${alphaMember}`,
    });
    expect(evilOrigin.status).toBe(403);
    expect(((await evilOrigin.json()) as { error: { code: string } }).error.code).toBe('NH_MCP_HOST_FORBIDDEN');
    const goodOrigin = await rawPost(host.url, initializeBody, {
      origin: `http://localhost:${host.port}`,
      authorization: `Bearer ${alphaMember}`,
    });
    expect(goodOrigin.status).toBe(200);
  });

  it('sends tools/list_changed to the sessions of a workspace when a plugin is enabled there', async () => {
    const { client } = await connectHttp(host.url, betaMember);
    const { client: alphaClient } = await connectHttp(host.url, alphaMember);
    let alphaNotified = 0;
    alphaClient.setNotificationHandler(ToolListChangedNotificationSchema, () => {
      alphaNotified++;
    });
    const changed = new Promise<boolean>((resolve) =>
      client.setNotificationHandler(ToolListChangedNotificationSchema, () => resolve(true)),
    );
    await client.listTools();
    host.workspaces.enable('beta', 'demo');
    // the GET stream that carries server-initiated notifications opens after initialize, on the client's own time (later
    // on a loaded machine): one sent before it is open is lost, so notify again until one arrives
    for (;;) {
      await host.routes.notifyToolsChanged(host.workspaces.get('beta').id);
      if (await Promise.race([changed, new Promise<boolean>((r) => setTimeout(() => r(false), 200))])) break;
    }
    expect((await client.listTools()).tools.map((t) => t.name)).toEqual(demoTools);
    expect(alphaNotified).toBe(0);
    host.workspaces.disable('beta', 'demo');
    await client.close();
    await alphaClient.close();
  });

  it('answers a call that needs approval at once, with the approval id', async () => {
    host.hooks.register({
      pluginId: 'demo',
      priority: {},
      hooks: {
        beforeToolCall: (e) =>
          e.sideEffect === 'external' ? { action: 'approval', reason: 'external sends need a review', approvalId: 'apr_123' } : undefined,
      },
      context: async (workspace) => ({
        workspace,
        config: {},
        secrets: { get: async () => undefined },
        logger: host.logger,
        callTool: async () => undefined,
        store: host.workspaces.access.store(workspace.id, 'demo'),
      }),
    });
    const { client } = await connectHttp(host.url, alphaMember);
    const result = await client.callTool({ name: 'demo__send_email', arguments: { to: 'a@b.c' } });
    expect((result.content as { text: string }[])[0]!.text).toContain('apr_123');
    expect(result._meta?.['neonhub/approval']).toMatchObject({ status: 'pending_approval', approvalId: 'apr_123', plugin: 'demo' });
    host.hooks.unregister('demo');
    await client.close();
  });

  it('serves manifest prompts with argument substitution and a clear error for a missing one', async () => {
    const { client } = await connectHttp(host.url, alphaMember);
    const { prompts } = await client.listPrompts();
    expect(prompts.map((p) => p.name)).toEqual(['demo__greet']);
    const got = await client.getPrompt({ name: 'demo__greet', arguments: { who: 'Ada', tone: 'warm' } });
    expect(got.messages[0]!.content).toEqual({ type: 'text', text: 'Say hello to Ada in a warm tone.' });
    const err = await client.getPrompt({ name: 'demo__greet', arguments: {} }).catch((e: unknown) => e);
    expect((err as McpError).code).toBe(-32602);
    expect((err as McpError).message).toContain('NH_MCP_PROMPT_ARGUMENT_MISSING: prompt demo__greet needs the argument who');
    await client.close();
  });

  it('serves the workspace about resource and providers registered later', async () => {
    const { client } = await connectHttp(host.url, alphaMember);
    const { resources } = await client.listResources();
    expect(resources.map((r) => r.uri)).toContain('neonhub://workspace/alpha/about');
    const about = await client.readResource({ uri: 'neonhub://workspace/alpha/about' });
    const text = (about.contents[0] as { text: string }).text;
    expect(text).toContain('**demo** 1.0.0');
    expect(text).toContain('demo__save_draft | write');
    const off = host.routes.gateway.registerResourceProvider({
      id: 'notes',
      pluginId: 'demo',
      list: () => [{ uri: 'neonhub://notes/1', name: 'note 1' }],
      read: (uri) => (uri === 'neonhub://notes/1' ? [{ uri, text: 'hello' }] : undefined),
    });
    expect((await client.readResource({ uri: 'neonhub://notes/1' })).contents[0]).toMatchObject({ text: 'hello' });
    off();
    const missing = await client.readResource({ uri: 'neonhub://notes/1' }).catch((e: unknown) => e);
    expect((missing as McpError).code).toBe(-32002);
    await client.close();
  });
});

describe('idle sessions', () => {
  it('expire and are removed from the session map', async () => {
    const short = await startTestHost({ http: { idleTimeoutMs: 150, sweepIntervalMs: 50 } });
    try {
      short.workspaces.enable('alpha', 'demo');
      const token = await short.token('alpha');
      const { sessionId } = await connectHttp(short.url, token);
      expect(short.routes.hasSession(sessionId)).toBe(true);
      const deadline = Date.now() + 5000;
      while (short.routes.hasSession(sessionId) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      expect(short.routes.hasSession(sessionId)).toBe(false);
      expect(short.routes.sessionCount()).toBe(0);
      expect(short.routes.gateway.liveCount()).toBe(0);
      const res = await rawPost(
        short.url,
        { jsonrpc: '2.0', id: 3, method: 'tools/list', params: {} },
        { authorization: `Bearer ${token}`, 'mcp-session-id': sessionId, 'mcp-protocol-version': '2025-06-18' },
      );
      expect(res.status).toBe(404);
    } finally {
      await short.close();
    }
  });
});
