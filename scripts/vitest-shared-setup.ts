/**
 * Before each test file of the `shared` project (vitest.config.ts: files that share one module graph per worker).
 *
 * Node's own fetch (Node 20 bundles undici 6) and the undici package (7, which @neonhub/sdk/outbound loads) keep their
 * dispatcher in one global slot, and whichever of them comes first fills it: the package when it is imported, Node's
 * fetch on its first call. Node's fetch through undici 7's Agent fails a request that sets Content-Length
 * (`invalid content-length header`; the Stripe client does). In a fork of its own a file's imports decide which comes
 * first; in a shared worker the first file would decide for every later one. Node's fetch takes the slot first here.
 */
const slot = Symbol.for('undici.globalDispatcher.1');
if ((globalThis as Record<symbol, unknown>)[slot] === undefined) await (await fetch('data:,')).text();
