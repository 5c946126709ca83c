import type { FetchLike } from '@modelcontextprotocol/sdk/shared/transport.js';

/** The requests in flight under each shared signal; the signal has one listener, which aborts them all. */
const inFlight = new WeakMap<AbortSignal, Set<AbortController>>();

/** How many requests are in flight under `shared` (what a transport's close would abort). */
export const requestsUnder = (shared: AbortSignal): number => inFlight.get(shared)?.size ?? 0;

function linkTo(shared: AbortSignal, own: AbortController): () => void {
  let set = inFlight.get(shared);
  if (!set) {
    const mine = new Set<AbortController>();
    set = mine;
    inFlight.set(shared, mine);
    shared.addEventListener(
      'abort',
      () => {
        for (const c of mine) c.abort(shared.reason);
        mine.clear();
      },
      { once: true },
    );
  }
  set.add(own);
  const linked = set;
  return () => linked.delete(own);
}

/**
 * A fetch for the MCP SDK's `StreamableHTTPClientTransport` that gives each request a signal of its own.
 *
 * Why: the transport passes one long-lived signal (its AbortController, aborted on close) to every request, and
 * Node's fetch (undici) adds an `abort` listener to the signal of each Request it builds and removes it only when
 * that Request is garbage-collected. On a busy process many thousand requests go between two collections: the
 * shared signal collects listeners (measured: 1,500+ during `bench/trust`, when Node warns
 * MaxListenersExceededWarning at every further request) and keeps each finished request reachable meanwhile. Here
 * the shared signal gets one listener in all, which aborts the requests in flight under it; a request leaves that
 * set as soon as its response's body has been read to its end, cancelled or failed (an SSE stream stays abortable
 * by the transport's close while it is read). undici's listener goes on the request's own signal, collected with it.
 */
export function fetchWithOwnSignal(base: FetchLike = fetch): FetchLike {
  return async (url, init) => {
    const shared = init?.signal;
    if (!shared) return base(url, init);
    const own = new AbortController();
    if (shared.aborted) own.abort(shared.reason);
    const unlink = shared.aborted ? () => {} : linkTo(shared, own);
    let res: Response;
    try {
      res = await base(url, { ...init, signal: own.signal });
    } catch (err) {
      unlink();
      throw err;
    }
    // A response without a body, or an error or redirect (read at once, or cancelled), is over: returned as it is.
    if (!res.body || !res.ok) {
      unlink();
      return res;
    }
    return new Response(unlinkedAtEnd(res.body, unlink), { status: res.status, statusText: res.statusText, headers: res.headers });
  };
}

/** `body` as read by the caller; `done` once it has been read to its end, cancelled, or failed. */
function unlinkedAtEnd(body: ReadableStream<Uint8Array>, done: () => void): ReadableStream<Uint8Array> {
  const reader = body.getReader();
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const { done: end, value } = await reader.read();
        if (end) {
          done();
          controller.close();
        } else controller.enqueue(value);
      } catch (err) {
        done();
        controller.error(err);
      }
    },
    cancel(reason) {
      done();
      return reader.cancel(reason);
    },
  });
}
