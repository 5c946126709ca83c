import { createRateLimiter } from './rate-limit.js';

export interface LoginThrottleOptions {
  /** Failed log-ins allowed per (account, address) in one window before that pair is refused (default 10). */
  limit: number;
  /** The window (default 15 minutes). */
  windowMs: number;
  /** Failed log-ins per address across all accounts before the address is refused (default 3 x limit). */
  addressLimit?: number;
  /** Failed log-ins per account, from addresses that never signed in to it, before new addresses are refused (default 10 x limit). */
  accountLimit?: number;
  /** How long an address stays known-good for an account after a successful log-in (default 30 days). */
  knownGoodMs?: number;
  now?: () => number;
}

export type ThrottleScope = 'account-address' | 'address' | 'account';

export type LoginReservation = { ok: true; succeeded(): void } | { ok: false; scope: ThrottleScope; retryAfterMs: number };

const KNOWN_PER_ACCOUNT = 10;
const KNOWN_ACCOUNTS = 50_000;

/**
 * Log-in throttling keyed by account AND address (docs/console.md, "Log-in throttling"):
 * - (account, address): `limit` failures refuse that pair only: a stranger cannot lock the owner out;
 * - address: `addressLimit` failures across accounts refuse the address (password spraying);
 * - account: `accountLimit` failures from many addresses refuse further *new* addresses for the account,
 *   while an address that signed in to it before (known-good) still may.
 * `reserve` checks and counts in one synchronous step, before the slow password check: an attempt counts as
 * a failure until `succeeded()` gives it back, so N concurrent guesses never get more than `limit` checks.
 */
export function createLoginThrottle(opts: LoginThrottleOptions) {
  const now = opts.now ?? Date.now;
  const window = { windowMs: opts.windowMs, now };
  const pair = createRateLimiter({ limit: opts.limit, ...window });
  const address = createRateLimiter({ limit: opts.addressLimit ?? opts.limit * 3, ...window });
  const account = createRateLimiter({ limit: opts.accountLimit ?? opts.limit * 10, ...window });
  const knownGoodMs = opts.knownGoodMs ?? 30 * 86_400_000;
  const known = new Map<string, Map<string, number>>();

  function isKnown(acct: string, ip: string) {
    const until = known.get(acct)?.get(ip);
    return until !== undefined && until > now();
  }

  function remember(acct: string, ip: string) {
    const ips = known.get(acct) ?? new Map<string, number>();
    known.delete(acct); // re-insert: the most recently used accounts are kept longest
    ips.delete(ip);
    ips.set(ip, now() + knownGoodMs);
    for (const old of ips.keys()) if (ips.size > KNOWN_PER_ACCOUNT) ips.delete(old);
    known.set(acct, ips);
    for (const old of known.keys()) if (known.size > KNOWN_ACCOUNTS) known.delete(old);
  }

  return {
    /** Reserve one attempt for `acct` (a normalized e-mail) from `ip`, or say why and for how long it is refused. */
    reserve(acct: string, ip: string): LoginReservation {
      const pairKey = `${acct}\n${ip}`;
      const checks: [ThrottleScope, number][] = [
        ['account-address', pair.blockedFor(pairKey)],
        ['address', address.blockedFor(ip)],
        ['account', isKnown(acct, ip) ? 0 : account.blockedFor(acct)],
      ];
      const blocked = checks.filter(([, ms]) => ms > 0).sort((a, b) => b[1] - a[1])[0];
      if (blocked) return { ok: false, scope: blocked[0], retryAfterMs: blocked[1] };
      pair.hit(pairKey);
      address.hit(ip);
      account.hit(acct);
      let settled = false;
      return {
        ok: true,
        succeeded() {
          if (settled) return;
          settled = true;
          pair.reset(pairKey);
          address.unhit(ip);
          account.unhit(acct);
          remember(acct, ip);
        },
      };
    },
    /** After a password reset: the account's counters (and its pair with `ip`) start over: its owner proved control of the mailbox. */
    forgetAccount(acct: string, ip: string) {
      account.reset(acct);
      pair.reset(`${acct}\n${ip}`);
    },
  };
}

export type LoginThrottle = ReturnType<typeof createLoginThrottle>;
