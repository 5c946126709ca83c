/**
 * Imported for its effect, before the undici package (see undici.ts): reading the global `Headers` loads Node's own
 * undici, which fills the process's global dispatcher slot with Node's Agent, so the package finds it taken.
 */
if (typeof globalThis.Headers !== 'function') throw new Error('this runtime has no global fetch (Node 20.19 or later is needed)');
