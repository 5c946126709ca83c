import { Redis } from 'ioredis';
import { queueErrors } from './errors.js';

/** Where a Redis URL points, without its password (for messages). */
export function redisTarget(url: string): string {
  try {
    const u = new URL(url);
    return `${u.hostname}:${u.port || 6379}`;
  } catch {
    return 'REDIS_URL';
  }
}

/** How long a timed-out check still listens for the connection's own error (refused, reset) to name it. */
const ERROR_GRACE_MS = 100;

/**
 * Answers once Redis at `url` replies to PING, or throws NH_REDIS_UNREACHABLE within `timeoutMs`: one
 * connection attempt, no retries, no reconnect loop (ioredis otherwise retries forever and logs every failure).
 * `start` and `worker` call it before anything else uses REDIS_URL.
 */
export async function checkRedis(url: string, timeoutMs = 3000): Promise<{ latencyMs: number; version?: string }> {
  const started = performance.now();
  const client = new Redis(url, {
    lazyConnect: true,
    // later than this check's own timer and its grace: ioredis's connect timer destroys the socket, and with it a
    // refusal that a starved process has not read yet (reported as ETIMEDOUT instead of ECONNREFUSED)
    connectTimeout: timeoutMs + ERROR_GRACE_MS * 10,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    retryStrategy: () => null,
    reconnectOnError: () => false,
  });
  let lastError: NodeJS.ErrnoException | undefined;
  client.on('error', (err) => {
    lastError = err; // reported below, once
  });
  let timer: NodeJS.Timeout | undefined;
  try {
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
    });
    await Promise.race([client.connect(), timeout]);
    await Promise.race([client.ping(), timeout]);
    const info = await Promise.race([client.info('server'), timeout]).catch(() => '');
    const version = /redis_version:([^\r\n]+)/.exec(info)?.[1];
    return { latencyMs: Math.round(performance.now() - started), ...(version ? { version } : {}) };
  } catch (cause) {
    // After a stall (a starved process) the timer can run before an already-arrived refusal is read: give the socket
    // a short grace to say why before reporting the timeout as the reason.
    if (!lastError)
      await new Promise((resolve) => {
        const grace = setTimeout(resolve, ERROR_GRACE_MS);
        client.once('error', () => {
          clearTimeout(grace);
          resolve(undefined);
        });
      });
    const err = (lastError ?? cause) as NodeJS.ErrnoException;
    const reason = err.code ?? err.message;
    throw queueErrors.create(
      'NH_REDIS_UNREACHABLE',
      `Redis at ${redisTarget(url)} (REDIS_URL) is unreachable (${reason}): start Redis there, fix REDIS_URL, or unset it to use the in-process queue`,
      { cause, details: { target: redisTarget(url), reason } },
    );
  } finally {
    clearTimeout(timer);
    client.disconnect();
  }
}
