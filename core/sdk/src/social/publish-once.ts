import { deliverOnce } from '../deliver-once.js';
import type { ToolContext } from '../types.js';

export interface Published {
  postId: string;
  url: string;
}

const COLLECTION = 'published';

/**
 * Publishes at most once per `ctx.idempotencyKey`: `deliverOnce` for posts (collection `published`). The attempt is
 * recorded before the request; a retry of a published key returns the first result (`duplicate: true`) without a
 * request; a retry after an attempt whose outcome is unknown (timeout, 5xx, crash) first asks the network
 * (`lookup(since)`: the network has no idempotency key, so find the post by its content, published since a minute
 * before that attempt) and publishes only when it is not there. A key reused for a different post is
 * NH_CONNECTOR_IDEMPOTENCY_CONFLICT.
 */
export async function publishOnce<T extends Published>(
  ctx: Pick<ToolContext, 'store' | 'idempotencyKey'>,
  payload: unknown,
  steps: { publish: () => Promise<T>; lookup?: (since: Date) => Promise<Published | undefined> },
): Promise<Published & { duplicate: boolean }> {
  const { lookup } = steps;
  const { result, duplicate } = await deliverOnce<Published>({
    store: ctx.store,
    key: ctx.idempotencyKey,
    request: payload,
    collection: COLLECTION,
    noun: 'post',
    send: async () => {
      const r = await steps.publish();
      return { postId: r.postId, url: r.url };
    },
    ...(lookup ? { lookup: (record) => lookup(new Date(Date.parse(record.attemptAt) - 60_000)) } : {}),
  });
  return { postId: result.postId, url: result.url, duplicate };
}
