import type { Readable, Writable } from 'node:stream';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import {
  isInitializeRequest,
  isJSONRPCRequest,
  type JSONRPCMessage,
  LATEST_PROTOCOL_VERSION,
  SUPPORTED_PROTOCOL_VERSIONS,
} from '@modelcontextprotocol/sdk/types.js';
import { workspaceServerIdentity } from '../mcp/server.js';

/** The id under which the client's own initialize is replayed to the real server (whose answer is dropped). */
const HANDOFF_ID = 'neonhub-handoff-initialize';

export interface EarlyStdio {
  /** Gives the session to the real server: it gets the client's initialize (its answer is dropped), then every message since. */
  handOff(server: { connect(transport: Transport): Promise<void> }): Promise<void>;
  /** No server will come (a coded reason): every request gets it as its error, then the session ends. */
  fail(reason: string): Promise<void>;
  /** Resolves when the client disconnects. */
  closed: Promise<void>;
}

/** The real server's side of the session: what it sends goes to the client. */
class HandoffTransport implements Transport {
  onmessage?: (message: JSONRPCMessage) => void;
  onclose?: () => void;
  onerror?: (error: Error) => void;
  constructor(private readonly out: (message: JSONRPCMessage) => Promise<void>) {}
  async start() {}
  async send(message: JSONRPCMessage) {
    await this.out(message);
  }
  async close() {
    this.onclose?.();
  }
}

/**
 * `neonhub mcp` with no host running: stdio that answers `initialize` at once, with the same identity the
 * workspace's server has (workspaceServerIdentity), while the database opens and plugins start; then the
 * real server takes the session over. An MCP client (the Inspector waits 15 s) is never kept waiting for
 * the host to boot: its first tools/list is answered when the server is there, and list_changed follows
 * as plugins join.
 */
export async function answerInitializeEarly(slug: string, io: { stdin?: Readable; stdout?: Writable } = {}): Promise<EarlyStdio> {
  const identity = workspaceServerIdentity(slug);
  const outer = new StdioServerTransport(io.stdin, io.stdout);
  const pending: JSONRPCMessage[] = [];
  let deliver: ((message: JSONRPCMessage) => void) | undefined;
  let initialize: JSONRPCMessage | undefined;
  let failure: string | undefined;
  let inner: HandoffTransport | undefined;
  let resolveClosed!: () => void;
  const closed = new Promise<void>((resolve) => {
    resolveClosed = resolve;
  });

  const refuse = (message: JSONRPCMessage) => {
    if (isJSONRPCRequest(message))
      void outer
        .send({ jsonrpc: '2.0', id: message.id, error: { code: -32603, message: failure ?? 'the server is gone' } })
        .catch(() => {});
  };

  outer.onmessage = (message) => {
    if (failure) return refuse(message);
    if (deliver) return deliver(message);
    if (isInitializeRequest(message) && isJSONRPCRequest(message) && !initialize) {
      initialize = message;
      const asked = message.params.protocolVersion;
      void outer
        .send({
          jsonrpc: '2.0',
          id: message.id,
          result: {
            protocolVersion: SUPPORTED_PROTOCOL_VERSIONS.includes(asked) ? asked : LATEST_PROTOCOL_VERSION,
            capabilities: identity.capabilities,
            serverInfo: identity.serverInfo,
            instructions: identity.instructions,
          },
        })
        .catch(() => {});
      return;
    }
    pending.push(message);
  };
  outer.onclose = () => {
    void inner?.close();
    resolveClosed();
  };
  (io.stdin ?? process.stdin).once('end', () => void outer.close());
  await outer.start();

  return {
    closed,
    async handOff(server) {
      inner = new HandoffTransport(async (message) => {
        if ('id' in message && message.id === HANDOFF_ID) return; // the client has its answer already
        await outer.send(message);
      });
      await server.connect(inner);
      const to = inner;
      deliver = (message) => to.onmessage?.(message);
      if (initialize) deliver({ ...initialize, id: HANDOFF_ID } as JSONRPCMessage);
      for (const message of pending.splice(0)) deliver(message);
    },
    async fail(reason) {
      failure = reason;
      for (const message of pending.splice(0)) refuse(message);
      // let the answers out, then end the session: the client sees the server close
      await new Promise((r) => setTimeout(r, 200));
      await outer.close();
    },
  };
}
