import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { probeChallenge } from '../../src/mcp-oauth/probe.js';

const read = async (req: IncomingMessage) => {
  let body = '';
  for await (const chunk of req) body += chunk;
  return body ? (JSON.parse(body) as { method?: string }) : {};
};

let close: (() => Promise<void>) | undefined;
afterEach(async () => {
  await close?.();
  close = undefined;
});

/** An MCP server that accepts `initialize` unauthenticated and challenges only `tools/list`; it records what it was sent. */
async function lateChallenger() {
  const seen: string[] = [];
  const server = createServer(async (req, res) => {
    const session = req.headers['mcp-session-id'];
    if (req.method === 'DELETE') {
      seen.push(`DELETE ${session}`);
      res.writeHead(200).end();
      return;
    }
    const msg = await read(req);
    seen.push(`${msg.method} ${session ?? '-'}`);
    if (msg.method === 'initialize') {
      res.writeHead(200, { 'content-type': 'application/json', 'mcp-session-id': 's-1' });
      res.end(
        JSON.stringify({
          jsonrpc: '2.0',
          id: 0,
          result: { protocolVersion: '2025-06-18', capabilities: {}, serverInfo: { name: 'late', version: '1' } },
        }),
      );
    } else if (msg.method === 'notifications/initialized') {
      res.writeHead(202).end();
    } else {
      res.writeHead(401, {
        'www-authenticate': 'Bearer resource_metadata="http://127.0.0.1/.well-known/oauth-protected-resource", scope="files:read"',
      });
      res.end();
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  close = () => new Promise((r) => server.close(() => r()));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/mcp`, seen };
}

describe('probeChallenge', () => {
  it('asks again in the session a server opened, takes the scope it names, then ends that session', async () => {
    const { url, seen } = await lateChallenger();
    const challenge = await probeChallenge(url, fetch);
    expect(challenge.scope).toBe('files:read');
    expect(challenge.resourceMetadataUrl?.href).toBe('http://127.0.0.1/.well-known/oauth-protected-resource');
    expect(seen).toEqual(['initialize -', 'notifications/initialized s-1', 'tools/list s-1', 'DELETE s-1']);
  });

  it('an unreachable server is no challenge (discovery reports it with its own error)', async () => {
    const { url } = await lateChallenger();
    await close?.();
    close = undefined;
    expect(await probeChallenge(url, fetch)).toEqual({});
  });
});
