import type { ConnectorDeclaration } from '@neonhub/schemas';
import type { Redis } from 'ioredis';
import { type RateLimiterAbstract, RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';

type Limits = NonNullable<ConnectorDeclaration['rateLimit']>;

/**
 * Paces deliveries to a connector's declared limits (`connector.rateLimit` in plugin.json: perSecond, perMinute,
 * perDay, per connected account; concurrency), with rate-limiter-flexible: counted in Redis when the host has one,
 * so every host and worker shares one budget per account, in memory otherwise. `acquire` answers how long to wait
 * (0 = go); a slot of `concurrency` is then held until `release`.
 */
export interface DeliveryPacer {
  acquire(pluginId: string, account: string, limits: Limits | undefined): Promise<number>;
  release(pluginId: string, account: string): void;
}

interface Window {
  points: number;
  duration: number;
}

/** Integer points per whole-second window for each declared limit (0.5/s becomes 1 per 2 s). */
export function windowsOf(l: Limits): Window[] {
  const out: Window[] = [];
  const per = (rate: number, seconds: number) =>
    rate * seconds >= 1 ? { points: Math.floor(rate * seconds), duration: seconds } : { points: 1, duration: Math.ceil(1 / rate) };
  if (l.perSecond) out.push(per(l.perSecond, 1));
  if (l.perMinute) out.push(per(l.perMinute / 60, 60));
  if (l.perDay) out.push(per(l.perDay / 86_400, 86_400));
  return out;
}

export function createPacer(opts: { redis?: Redis; prefix: string }): DeliveryPacer {
  const limiters = new Map<string, RateLimiterAbstract[]>();
  const inFlight = new Map<string, number>();

  const limitersFor = (pluginId: string, limits: Limits) => {
    const key = `${pluginId}|${JSON.stringify(limits)}`;
    let l = limiters.get(key);
    if (!l) {
      l = windowsOf(limits).map((w, i) => {
        const keyPrefix = `${opts.prefix}:outbox-rate:${pluginId}:${i}`;
        return opts.redis
          ? new RateLimiterRedis({
              storeClient: opts.redis,
              keyPrefix,
              points: w.points,
              duration: w.duration,
              rejectIfRedisNotReady: false,
            })
          : new RateLimiterMemory({ keyPrefix, points: w.points, duration: w.duration });
      });
      limiters.set(key, l);
    }
    return l;
  };

  return {
    async acquire(pluginId, account, limits) {
      if (!limits) return 0;
      const slot = `${pluginId}:${account}`;
      if (limits.concurrency && (inFlight.get(slot) ?? 0) >= limits.concurrency) return 25;
      for (const limiter of limitersFor(pluginId, limits)) {
        try {
          await limiter.consume(account);
        } catch (res) {
          if (res instanceof RateLimiterRes) return Math.max(1, res.msBeforeNext);
          throw res;
        }
      }
      if (limits.concurrency) inFlight.set(slot, (inFlight.get(slot) ?? 0) + 1);
      return 0;
    },
    release(pluginId, account) {
      const slot = `${pluginId}:${account}`;
      const n = inFlight.get(slot);
      if (n === undefined) return;
      if (n <= 1) inFlight.delete(slot);
      else inFlight.set(slot, n - 1);
    },
  };
}
