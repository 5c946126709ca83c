import { changesNothing, type SideEffect } from '@neonhub/schemas';
import { sdkErrors } from './errors.js';
import type { PluginStore } from './types.js';

/**
 * The store a tool that declares `none` or `read` gets, in the host and in the harness: reads pass through,
 * and so does a create-if-absent (`putIf(..., 0)`: of two calls, one writes and the other sees `null` and reads
 * it, e.g. a key made on first use); every other write fails with NH_SDK_STORE_READ_ONLY. Such a tool may be
 * called twice for one run step (its job carries it and is not claimed first), so a write there would be a side
 * effect it did not declare.
 */
export function readOnlyStore(store: PluginStore, tool: string): PluginStore {
  const refuse = (op: string) => () =>
    Promise.reject(
      sdkErrors.create(
        'NH_SDK_STORE_READ_ONLY',
        `${tool} declares no side effect but called ctx.store.${op}: declare it sideEffect 'write' to write to the store`,
        { details: { tool, op } },
      ),
    );
  return {
    get: (collection, key, opts) => store.get(collection, key, opts),
    list: (collection, opts) => store.list(collection, opts),
    count: (collection) => store.count(collection),
    put: refuse('put'),
    putIf: (collection, key, value, expectedVersion) =>
      expectedVersion === 0 ? store.putIf(collection, key, value, 0) : refuse('putIf (over an existing record)')(),
    delete: refuse('delete'),
    deleteBefore: refuse('deleteBefore'),
    append: refuse('append'),
    insertAll: refuse('insertAll'),
  };
}

/** The store a tool gets: its plugin's store, read-only unless the tool declares a side effect that writes. */
export const storeFor = (store: PluginStore, tool: string, sideEffect: SideEffect): PluginStore =>
  changesNothing(sideEffect) ? readOnlyStore(store, tool) : store;
