import { describe, expect, it } from 'vitest';
import { count, dateTime, expiresIn, time } from './format';

describe('format', () => {
  it('writes counts with thousands separators', () => {
    expect(count(0)).toBe('0');
    expect(count(12345)).toBe('12,345');
  });

  it('writes a moment as a medium date and a short time in the zone given, from an ISO string or a Date alike', () => {
    const iso = '2026-12-06T18:42:00Z';
    expect(dateTime(iso, 'UTC')).toBe('Dec 6, 2026, 6:42 PM');
    expect(dateTime(iso, 'Asia/Tokyo')).toBe('Dec 7, 2026, 3:42 AM');
    expect(dateTime(iso, 'America/New_York')).toBe('Dec 6, 2026, 1:42 PM');
    expect(dateTime(new Date(iso), 'Asia/Tokyo')).toBe(dateTime(iso, 'Asia/Tokyo'));
    expect(time(iso, 'Europe/Paris')).toBe('7:42 PM');
  });

  it('does not depend on the zone of the machine that renders (the server and the browser write the same)', () => {
    const before = process.env.TZ;
    try {
      process.env.TZ = 'Pacific/Kiritimati';
      const there = dateTime('2026-03-29T00:30:00Z', 'Europe/Berlin');
      process.env.TZ = 'America/Los_Angeles';
      expect(dateTime('2026-03-29T00:30:00Z', 'Europe/Berlin')).toBe(there);
      expect(there).toBe('Mar 29, 2026, 1:30 AM');
    } finally {
      if (before === undefined) delete process.env.TZ;
      else process.env.TZ = before;
    }
  });

  it('writes a zone the runtime does not know in UTC rather than failing the page', () => {
    expect(dateTime('2026-12-06T18:42:00Z', 'Not/AZone')).toBe('Dec 6, 2026, 6:42 PM');
  });

  it('says how long an approval still waits, rounded down, and nothing once it has expired', () => {
    const now = Date.parse('2026-12-07T01:00:00Z');
    expect(expiresIn('2026-12-07T04:59:00Z', now)).toBe('expires in 3 h');
    expect(expiresIn('2026-12-07T01:25:30Z', now)).toBe('expires in 25 min');
    expect(expiresIn('2026-12-07T01:00:10Z', now)).toBe('expires in 1 min');
    expect(expiresIn('2026-12-09T02:00:00Z', now)).toBe('expires in 2 days');
    expect(expiresIn('2026-12-07T01:00:00Z', now)).toBeNull();
    expect(expiresIn('2026-12-06T23:00:00Z', now)).toBeNull();
    expect(expiresIn('not a date', now)).toBeNull();
  });
});
