import { describe, expect, it } from 'vitest';
import { createLoginThrottle } from './login-throttle.js';

describe('login throttle', () => {
  it('reserves atomically: the (limit+1)th attempt is refused while the first ones are still being checked', () => {
    const t = createLoginThrottle({ limit: 3, windowMs: 60_000 });
    const held = [1, 2, 3].map(() => t.reserve('a@x', '1.1.1.1'));
    expect(held.every((r) => r.ok)).toBe(true);
    expect(t.reserve('a@x', '1.1.1.1')).toMatchObject({ ok: false, scope: 'account-address' });
    // another address for the same account is a different pair
    expect(t.reserve('a@x', '2.2.2.2').ok).toBe(true);
  });

  it('a success gives the attempt back and makes the address known-good, which the account ceiling does not stop', () => {
    let clock = 0;
    const t = createLoginThrottle({ limit: 2, windowMs: 1000, accountLimit: 4, now: () => clock });
    const ok = t.reserve('owner@x', '9.9.9.9');
    if (ok.ok) ok.succeeded();
    for (const ip of ['1.0.0.1', '1.0.0.2', '1.0.0.3', '1.0.0.4']) expect(t.reserve('owner@x', ip).ok).toBe(true);
    expect(t.reserve('owner@x', '1.0.0.5')).toMatchObject({ ok: false, scope: 'account' });
    expect(t.reserve('owner@x', '9.9.9.9').ok).toBe(true);
    clock = 1001; // the window ends
    expect(t.reserve('owner@x', '1.0.0.5').ok).toBe(true);
  });

  it('an address failing across accounts is refused for every account', () => {
    const t = createLoginThrottle({ limit: 10, windowMs: 60_000, addressLimit: 3 });
    for (const acct of ['a', 'b', 'c']) expect(t.reserve(acct, '6.6.6.6').ok).toBe(true);
    const refused = t.reserve('d', '6.6.6.6');
    expect(refused).toMatchObject({ ok: false, scope: 'address' });
    expect(refused.ok === false && refused.retryAfterMs).toBeGreaterThan(0);
    expect(t.reserve('d', '7.7.7.7').ok).toBe(true);
  });
});
