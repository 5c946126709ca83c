import type { Readable, Writable } from 'node:stream';
import { StreamableHTTPClientTransport, StreamableHTTPError } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { InitializeResultSchema, type JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import { fetchWithOwnSignal } from '../mcp/request-signal.js';
import { operatorHeaders } from './running-host.js';

export interface McpProxyOptions {
  /** The running host's address (from its lock file). */
  url: string;
  workspace: string;
  stdin?: Readable;
  stdout?: Writable;
  /** Where problems are reported (stderr; stdout carries only the protocol). */
  log?(line: string): void;
}

const isRequest = (m: JSONRPCMessage): m is JSONRPCMessage & { id: string | number; method: string } => 'method' in m && 'id' in m;

/** The host's answer to a failed POST, as the message of a JSON-RPC error (its `NH_...: reason` when it sent one). */
function upstreamReason(err: unknown, url: string): string {
  if (err instanceof StreamableHTTPError) {
    const body = err.message.replace(/^[^{]*/, '');
    try {
      const parsed = JSON.parse(body) as { error?: { message?: string; code?: string | number } };
      if (typeof parsed.error?.message === 'string') return parsed.error.message;
    } catch {}
    return err.message;
  }
  return `NH_MCP_HOST_UNREACHABLE: the NeonHub host at ${url} did not answer (${(err as Error).message}); is \`neonhub start\` still running?`;
}

/**
 * `neonhub mcp` while `neonhub start` runs: stdio relayed to the host's Streamable HTTP endpoint
 * (`/mcp?workspace=<slug>`) as the operator, so the client gets the running host's tools at once
 * (no second host, no second database, no plugin started twice) and its list_changed notifications.
 * Resolves when the client disconnects.
 */
export async function proxyStdioToHost(opts: McpProxyOptions): Promise<void> {
  const log = opts.log ?? ((line: string) => void process.stderr.write(`${line}\n`));
  const endpoint = new URL(`/mcp?workspace=${encodeURIComponent(opts.workspace)}`, opts.url);
  const upstream = new StreamableHTTPClientTransport(endpoint, {
    requestInit: { headers: operatorHeaders() },
    fetch: fetchWithOwnSignal(),
  });
  const local = new StdioServerTransport(opts.stdin, opts.stdout);
  const initializing = new Set<string | number>();
  let closing = false;
  let done!: () => void;
  const closed = new Promise<void>((resolve) => {
    done = resolve;
  });
  const close = async () => {
    if (closing) return;
    closing = true;
    await upstream.terminateSession().catch(() => {});
    await upstream.close().catch(() => {});
    await local.close().catch(() => {});
    done();
  };

  local.onmessage = (message) => {
    if (isRequest(message) && message.method === 'initialize') initializing.add(message.id);
    upstream.send(message).catch(async (err) => {
      const reason = upstreamReason(err, opts.url);
      if (isRequest(message))
        await local.send({ jsonrpc: '2.0', id: message.id, error: { code: -32603, message: reason } }).catch(() => {});
      else log(`neonhub mcp: ${reason}`);
    });
  };
  upstream.onmessage = (message) => {
    if ('id' in message && message.id !== undefined && initializing.delete(message.id) && 'result' in message) {
      // later requests carry the negotiated protocol version, as the SDK's own client does
      const init = InitializeResultSchema.safeParse(message.result);
      if (init.success) upstream.setProtocolVersion(init.data.protocolVersion);
    }
    local.send(message).catch(() => {});
  };
  upstream.onerror = (err) => {
    if (!closing) log(`neonhub mcp: ${upstreamReason(err, opts.url)}`);
  };
  local.onclose = () => void close();
  (opts.stdin ?? process.stdin).once('end', () => void close());

  await upstream.start();
  await local.start();
  await closed;
}
