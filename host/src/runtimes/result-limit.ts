import type { FetchLike } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import type { NeonHubError } from '@neonhub/schemas';
import { hostErrors } from '../errors.js';

/** Default size limit of what one plugin may send back in one message (a tool result): 4 MiB. */
export const DEFAULT_RESULT_MAX_BYTES = 4 * 1024 * 1024;

/** JSON-RPC error code of the response the host puts in place of a message over the limit. */
export const RESULT_TOO_LARGE_RPC_CODE = -32_090;

export function resultTooLarge(pluginId: string, tool: string, limitBytes: number, receivedBytes?: number): NeonHubError {
  return hostErrors.create(
    'NH_TOOL_RESULT_TOO_LARGE',
    `${pluginId}:${tool} sent back ${receivedBytes === undefined ? 'more than' : `at least ${receivedBytes} bytes, over`} its limit of ${limitBytes} bytes; the result was dropped (raise limits.resultMaxBytes or NEONHUB_RESULT_MAX_BYTES if it is expected)`,
    { details: { plugin: pluginId, tool, limitBytes, ...(receivedBytes === undefined ? {} : { receivedBytes }) } },
  );
}

/**
 * The JSON-RPC error response the host substitutes for a response that was cut off at the limit
 * (what was received is dropped, never parsed). callMcpTool maps it to NH_TOOL_RESULT_TOO_LARGE.
 */
export function tooLargeResponse(id: string | number, limitBytes: number, receivedBytes: number): JSONRPCMessage {
  return {
    jsonrpc: '2.0',
    id,
    error: {
      code: RESULT_TOO_LARGE_RPC_CODE,
      message: `the response exceeded the host's limit of ${limitBytes} bytes`,
      data: { code: 'NH_TOOL_RESULT_TOO_LARGE', limitBytes, receivedBytes },
    },
  };
}

/** `{ limitBytes, receivedBytes }` when an MCP error is the host's own too-large substitute. */
export function tooLargeData(data: unknown): { limitBytes: number; receivedBytes: number } | undefined {
  const d = data as { code?: unknown; limitBytes?: unknown; receivedBytes?: unknown } | undefined;
  if (d?.code !== 'NH_TOOL_RESULT_TOO_LARGE' || typeof d.limitBytes !== 'number' || typeof d.receivedBytes !== 'number') return undefined;
  return { limitBytes: d.limitBytes, receivedBytes: d.receivedBytes };
}

/**
 * The byte size of an in-process tool's result as it would be serialized (JSON), or throws
 * NH_TOOL_RESULT_TOO_LARGE past `limitBytes`. A result that cannot be serialized is left to output
 * validation.
 */
export function checkSerializedSize(pluginId: string, tool: string, output: unknown, limitBytes: number): void {
  if (output === undefined || output === null || typeof output !== 'object') {
    if (typeof output === 'string' && Buffer.byteLength(output) > limitBytes)
      throw resultTooLarge(pluginId, tool, limitBytes, Buffer.byteLength(output));
    return;
  }
  let text: string | undefined;
  try {
    text = JSON.stringify(output);
  } catch {
    return;
  }
  // length counts UTF-16 units: at most 3 bytes each, at least 1, so byteLength is needed only near the limit
  if (text === undefined || text.length * 3 <= limitBytes) return;
  const bytes = Buffer.byteLength(text);
  if (bytes > limitBytes) throw resultTooLarge(pluginId, tool, limitBytes, bytes);
}

/** The ids of the requests in a POST body (one message or a batch). */
function requestIds(body: unknown): (string | number)[] {
  if (typeof body !== 'string') return [];
  try {
    const parsed = JSON.parse(body) as unknown;
    const messages = Array.isArray(parsed) ? parsed : [parsed];
    return messages
      .filter((m): m is { id: string | number; method: string } => typeof m === 'object' && m !== null && 'method' in m && 'id' in m)
      .map((m) => m.id);
  } catch {
    return [];
  }
}

const plainHeaders = (res: Response, contentType: string) => {
  const headers = new Headers(res.headers);
  headers.delete('content-length');
  headers.delete('content-encoding');
  headers.set('content-type', contentType);
  return headers;
};

/** Reads a body up to `limit` bytes; undefined (and the body cancelled) when it is longer. */
async function readCapped(body: ReadableStream<Uint8Array>, limit: number): Promise<{ bytes: Buffer } | { over: number }> {
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > limit) {
      await reader.cancel().catch(() => {});
      return { over: total };
    }
    chunks.push(value);
  }
  return { bytes: Buffer.concat(chunks) };
}

/**
 * An SSE body passed through event by event; an event over `limit` bytes is dropped (never
 * buffered past the limit), replaced by too-large error responses for `ids`, and the stream ends.
 */
function cappedEventStream(body: ReadableStream<Uint8Array>, limit: number, ids: (string | number)[]): ReadableStream<Uint8Array> {
  const reader = body.getReader();
  let event: Uint8Array[] = [];
  let eventBytes = 0;
  let lastByte = -1;
  const overflow = async (controller: ReadableStreamDefaultController<Uint8Array>, bytes: number) => {
    await reader.cancel().catch(() => {});
    const text = ids.map((id) => `event: message\ndata: ${JSON.stringify(tooLargeResponse(id, limit, bytes))}\n\n`).join('');
    if (text) controller.enqueue(new TextEncoder().encode(text));
    controller.close();
  };
  return new ReadableStream<Uint8Array>({
    // reads until it can hand on a whole event (a pull that enqueues nothing is not called again)
    async pull(controller) {
      for (;;) {
        let chunk: ReadableStreamReadResult<Uint8Array>;
        try {
          chunk = await reader.read();
        } catch (err) {
          controller.error(err);
          return;
        }
        if (chunk.done) {
          if (event.length) controller.enqueue(Buffer.concat(event));
          controller.close();
          return;
        }
        const value = chunk.value;
        let start = 0;
        for (let i = 0; i < value.length; i++) {
          const byte = value[i]!;
          if (byte === 13) continue; // \r\n\r\n ends an event like \n\n
          if (byte === 10 && lastByte === 10) {
            const part = value.subarray(start, i + 1);
            if (eventBytes + part.byteLength > limit) return overflow(controller, eventBytes + part.byteLength);
            controller.enqueue(event.length ? Buffer.concat([...event, part]) : part);
            event = [];
            eventBytes = 0;
            start = i + 1;
          }
          lastByte = byte;
        }
        const rest = value.subarray(start);
        eventBytes += rest.byteLength;
        if (eventBytes > limit) return overflow(controller, eventBytes);
        if (rest.byteLength) event.push(rest);
        if (start > 0) return;
      }
    },
    cancel(reason) {
      return reader.cancel(reason);
    },
  });
}

/**
 * A fetch for the Streamable HTTP client that caps what a server can send back: a JSON response
 * over `limit` bytes (by Content-Length, or counted as it arrives) and an SSE event over `limit`
 * bytes are dropped and replaced by too-large error responses for the requests of the POST.
 */
export function cappedFetch(limit: number, base: FetchLike = fetch): FetchLike {
  return async (url, init) => {
    const res = await base(url, init);
    if (!res.body || !res.ok) return res;
    const type = (res.headers.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
    const ids = requestIds(init?.body);
    if (type === 'application/json') {
      const declared = Number(res.headers.get('content-length'));
      const read = declared > limit ? { over: declared } : await readCapped(res.body, limit);
      if ('over' in read) {
        if (declared > limit) await res.body.cancel().catch(() => {});
        const substitute = ids.map((id) => tooLargeResponse(id, limit, read.over));
        return new Response(JSON.stringify(substitute.length === 1 ? substitute[0] : substitute), {
          status: 200,
          headers: plainHeaders(res, 'application/json'),
        });
      }
      return new Response(new Uint8Array(read.bytes), {
        status: res.status,
        statusText: res.statusText,
        headers: plainHeaders(res, 'application/json'),
      });
    }
    if (type === 'text/event-stream')
      return new Response(cappedEventStream(res.body, limit, ids), {
        status: res.status,
        statusText: res.statusText,
        headers: plainHeaders(res, 'text/event-stream'),
      });
    return res;
  };
}
