import { extractWWWAuthenticateParams } from '@modelcontextprotocol/sdk/client/auth.js';
import { LATEST_PROTOCOL_VERSION } from '@modelcontextprotocol/sdk/types.js';

/**
 * The server's challenge to an unauthenticated client: WWW-Authenticate's resource_metadata and scope (RFC 9728
 * §5.1). Asked with `initialize`; a server that accepts that and challenges only later requests is asked again
 * with `tools/list` in the session it opened, so the scope is the one the server names, not every scope it supports.
 */
export async function probeChallenge(url: string, fetchFn: typeof globalThis.fetch) {
  const headers = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' };
  const post = async (body: unknown, session?: string | null) => {
    const res = await fetchFn(url, {
      method: 'POST',
      headers: { ...headers, ...(session ? { 'mcp-session-id': session } : {}) },
      body: JSON.stringify(body),
    });
    await res.body?.cancel().catch(() => {});
    return res;
  };
  const challenge = (res: Response) => (res.status === 401 || res.status === 403 ? extractWWWAuthenticateParams(res) : undefined);
  try {
    const init = await post({
      jsonrpc: '2.0',
      id: 0,
      method: 'initialize',
      params: { protocolVersion: LATEST_PROTOCOL_VERSION, capabilities: {}, clientInfo: { name: 'neonhub-host', version: '0.1.0' } },
    });
    const first = challenge(init);
    if (first || !init.ok) return first ?? {};
    const session = init.headers.get('mcp-session-id');
    try {
      await post({ jsonrpc: '2.0', method: 'notifications/initialized' }, session);
      return challenge(await post({ jsonrpc: '2.0', id: 1, method: 'tools/list', params: {} }, session)) ?? {};
    } finally {
      // the probe's session is of no further use: end it (Streamable HTTP §session management), as a polite client does
      if (session)
        await fetchFn(url, { method: 'DELETE', headers: { 'mcp-session-id': session } })
          .then((res) => res.body?.cancel())
          .catch(() => {});
    }
  } catch {
    return {}; // unreachable now: discovery says so with its own error
  }
}
