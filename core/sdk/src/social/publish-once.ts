import { isNeonHubError } from '@neonhub/schemas';
import { connectorErrors } from '../errors.js';
import { fingerprint } from '../store-helpers.js';
import type { ToolContext } from '../types.js';

export interface Published {
  postId: string;
  url: string;
}

interface Attempt {
  state: 'pending' | 'published';
  fingerprint: string;
  startedAt: string;
  result?: Published;
}

const COLLECTION = 'published';

/** Errors that prove the provider published nothing (it answered with a refusal): the next retry need not look up. */
function nothingPublished(err: unknown): boolean {
  return (
    isNeonHubError(err) &&
    [
      'NH_CONNECTOR_REJECTED',
      'NH_CONNECTOR_RATE_LIMITED',
      'NH_CONNECTOR_AUTH_FAILED',
      'NH_CONNECTOR_LIMIT_EXCEEDED',
      'NH_CONNECTOR_NOT_CONNECTED',
    ].includes(err.code)
  );
}

/**
 * Publishes at most once per `ctx.idempotencyKey`. The attempt is recorded (pending) in the plugin's store before
 * the request; a retry of a published key returns the first result (`duplicate: true`) without a request; a retry
 * after an attempt whose outcome is unknown (timeout, 5xx, crash) first asks the network (`lookup`: the network has
 * no idempotency key, so find the post by its content) and publishes only when it is not there. A key reused for a
 * different post is NH_CONNECTOR_IDEMPOTENCY_CONFLICT.
 */
export async function publishOnce<T extends Published>(
  ctx: Pick<ToolContext, 'store' | 'idempotencyKey'>,
  payload: unknown,
  steps: { publish: () => Promise<T>; lookup?: (since: Date) => Promise<Published | undefined> },
): Promise<Published & { duplicate: boolean }> {
  const fp = fingerprint(payload);
  const key = ctx.idempotencyKey;
  const prior = await ctx.store.get<Attempt>(COLLECTION, key);
  if (prior && prior.value.fingerprint !== fp) {
    throw connectorErrors.create(
      'NH_CONNECTOR_IDEMPOTENCY_CONFLICT',
      `idempotency key ${key} was already used for a different post: use a new key for a new post`,
      {
        details: { idempotencyKey: key, ...(prior.value.result ? { postId: prior.value.result.postId } : {}) },
      },
    );
  }
  if (prior?.value.state === 'published' && prior.value.result) return { ...prior.value.result, duplicate: true };
  if (prior?.value.state === 'pending' && steps.lookup) {
    const found = await steps.lookup(new Date(Date.parse(prior.value.startedAt) - 60_000));
    if (found) {
      await ctx.store.put(COLLECTION, key, { ...prior.value, state: 'published', result: found } satisfies Attempt);
      return { ...found, duplicate: true };
    }
  }
  if (!prior) {
    const attempt: Attempt = { state: 'pending', fingerprint: fp, startedAt: new Date().toISOString() };
    const written = await ctx.store.putIf(COLLECTION, key, attempt, 0);
    if (written === null) return publishOnce(ctx, payload, steps); // a racing call recorded first: go through its state
  }
  let result: T;
  try {
    result = await steps.publish();
  } catch (err) {
    if (nothingPublished(err)) await ctx.store.delete(COLLECTION, key);
    throw err;
  }
  const done: Attempt = {
    state: 'published',
    fingerprint: fp,
    startedAt: prior?.value.startedAt ?? new Date().toISOString(),
    result: { postId: result.postId, url: result.url },
  };
  await ctx.store.put(COLLECTION, key, done);
  return { postId: result.postId, url: result.url, duplicate: false };
}
