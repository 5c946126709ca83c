import { describe, expect, it } from 'vitest';
import { healthBanner, seesHostBanner } from './health-banner';

const health = (status: 'ok' | 'degraded', reasons: string[] = [], starting: string[] = []) => ({ status, reasons, starting });

describe('the host health banner', () => {
  it('is shown to owners and admins only', () => {
    expect(seesHostBanner(['member', 'admin'])).toBe(true);
    expect(seesHostBanner(['owner'])).toBe(true);
    expect(seesHostBanner(['member', 'viewer'])).toBe(false);
    expect(seesHostBanner([])).toBe(false);
  });

  it('says nothing when the host is ok and nothing is starting, or did not answer', () => {
    expect(healthBanner(health('ok'))).toBeNull();
    expect(healthBanner(null)).toBeNull();
  });

  it('lists the reasons of a degraded host (at most five, with a count of the rest) and the plugins still starting', () => {
    const reasons = Array.from({ length: 7 }, (_, i) => `reason ${i}`);
    expect(healthBanner(health('degraded', reasons, ['memory']))).toEqual({
      degraded: true,
      reasons: reasons.slice(0, 5),
      more: 2,
      starting: ['memory'],
    });
  });

  it('names the plugins still starting while the host is otherwise ok', () => {
    expect(healthBanner(health('ok', [], ['memory']))).toEqual({ degraded: false, reasons: [], more: 0, starting: ['memory'] });
  });
});
