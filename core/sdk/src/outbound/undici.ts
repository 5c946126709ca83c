import './node-dispatcher-first.js';

/**
 * The parts of the undici package (7) the guard uses, loaded so that Node's global dispatcher stays Node's own.
 *
 * Node's `fetch` (Node 20 bundles undici 6) and the undici package keep their dispatcher in one global slot,
 * `Symbol.for('undici.globalDispatcher.1')`, and whichever is loaded first fills it. Were it the package, every plain
 * `fetch` in the process would go through undici 7's Agent, which refuses a request that sets its own Content-Length
 * (`invalid content-length header`; undici issue #5500 tells the same of v8). The guard passes its own dispatcher to
 * every request and never needs the slot, so Node's own undici is loaded first: node-dispatcher-first.ts, imported
 * before the package, reads the global `Headers`, which loads it, and it fills the slot with its Agent at once; the
 * package then finds the slot taken and leaves it. Both are static imports, in this order, so that a bundler (the
 * isolated runtime's esbuild bundle) keeps both and their order. An in-process plugin or a library calling the global
 * `fetch` is unaffected by the guard.
 */
export { Agent, buildConnector, fetch } from 'undici';
