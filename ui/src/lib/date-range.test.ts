import { describe, expect, it } from 'vitest';
import { describeRange, isDay, lastDays, rangeFromUrl, todayIn, withRange } from './date-range';

const today = '2026-12-06';
const q = (s: string) => new URLSearchParams(s);

describe('the analytics date range', () => {
  it('reads a preset, a custom range or the default from the URL', () => {
    expect(rangeFromUrl(q(''), today)).toEqual({ key: '30', from: '2026-11-07', to: today, days: 30, error: null });
    expect(rangeFromUrl(q('range=7'), today)).toMatchObject({ key: '7', from: '2026-11-30', to: today, days: 7 });
    expect(rangeFromUrl(q('range=90'), today)).toMatchObject({ key: '90', from: '2026-09-08', days: 90 });
    expect(rangeFromUrl(q('from=2026-11-01&to=2026-11-30&range=7'), today)).toMatchObject({
      key: 'custom',
      from: '2026-11-01',
      to: '2026-11-30',
      days: 30,
      error: null,
    });
    const campaign = { key: 'campaign', range: { from: '2026-11-15', to: '2026-11-20' } };
    expect(rangeFromUrl(q('range=13'), today, campaign)).toMatchObject({ key: 'campaign', from: '2026-11-15', days: 6 });
  });

  it('says what is wrong with a bad custom range and falls back to the default', () => {
    expect(rangeFromUrl(q('from=2026-11-30&to=2026-11-01'), today)).toMatchObject({
      key: '30',
      from: '2026-11-07',
      error: 'The start must be on or before the end.',
    });
    expect(rangeFromUrl(q('from=2026-02-30&to=2026-03-01'), today).error).toBe('Pick a start and an end day.');
    expect(rangeFromUrl(q('from=2026-11-01'), today).error).toBe('Pick a start and an end day.');
    expect(rangeFromUrl(q('from=2020-01-01&to=2026-11-01'), today).error).toBe('Pick at most 400 days.');
    expect(isDay('2026-02-28')).toBe(true);
    expect(isDay('2026-2-28')).toBe(false);
  });

  it('replaces the range in a URL and keeps the other parameters', () => {
    expect(withRange(q('c=spring&from=2026-11-01&to=2026-11-30&metric=opened'), { key: '7' })).toBe('?c=spring&metric=opened&range=7');
    expect(withRange(q('c=spring&range=7'), { from: '2026-11-01', to: '2026-11-02' })).toBe('?c=spring&from=2026-11-01&to=2026-11-02');
    expect(withRange(q('range=7'), { key: 'campaign' })).toBe('?');
  });

  it('names a range in words', () => {
    expect(describeRange(lastDays(7, today))).toBe('30 Nov – 6 Dec 2026');
    expect(describeRange({ from: '2025-12-30', to: '2026-01-02' })).toBe('30 Dec 2025 – 2 Jan 2026');
    expect(describeRange({ from: today, to: today })).toBe('6 Dec 2026');
  });
});

describe("today in the workspace's time zone", () => {
  it('is the day there, not the UTC one, on both sides of a DST change', () => {
    // 2027-03-14 02:00 in New York springs forward; 03:30 UTC on the 15th is still the 14th there
    expect(todayIn('America/New_York', Date.parse('2027-03-15T03:30:00Z'))).toBe('2027-03-14');
    expect(todayIn('America/New_York', Date.parse('2027-03-14T06:30:00Z'))).toBe('2027-03-14');
    expect(todayIn('Pacific/Auckland', Date.parse('2027-03-14T12:30:00Z'))).toBe('2027-03-15');
    expect(todayIn('UTC', Date.parse('2027-03-15T03:30:00Z'))).toBe('2027-03-15');
  });

  it('falls back to UTC for a zone the runtime does not know', () => {
    expect(todayIn('Mars/Olympus', Date.parse('2027-03-15T03:30:00Z'))).toBe('2027-03-15');
  });
});
