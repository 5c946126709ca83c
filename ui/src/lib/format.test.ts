import { describe, expect, it } from 'vitest';
import { count, dateTime } from './format';

describe('format', () => {
  it('writes counts with thousands separators', () => {
    expect(count(0)).toBe('0');
    expect(count(12345)).toBe('12,345');
  });

  it('writes a moment as a medium date and a short time, from an ISO string or a Date alike', () => {
    const iso = '2026-12-06T18:42:00Z';
    expect(dateTime(iso)).toBe(new Date(iso).toLocaleString('en', { dateStyle: 'medium', timeStyle: 'short' }));
    expect(dateTime(new Date(iso))).toBe(dateTime(iso));
  });
});
