import { describe, expect, it } from 'vitest';
import { byDay, type CalItem } from './calendar';

const item = (id: string, at: string): CalItem => ({
  id,
  kind: 'social',
  channel: 'x',
  at,
  day: at.slice(0, 10),
  time: at.slice(11, 16),
  status: 'scheduled',
  text: id,
  movable: true,
});

describe('byDay', () => {
  it('puts items of one instant in one order (by id), whatever order the lists came in', () => {
    const at = '2026-12-01T10:00:00.000Z';
    const items = [item('b', at), item('c', at), item('a', at), item('z', '2026-12-01T09:00:00.000Z')];
    const orders = [items, [...items].reverse(), [items[2]!, items[0]!, items[3]!, items[1]!]].map((xs) =>
      byDay(xs)['2026-12-01']!.map((i) => i.id),
    );
    for (const o of orders) expect(o).toEqual(['z', 'a', 'b', 'c']);
  });
});
