import { describe, expect, it } from 'vitest';
import { localParts, monthGrid, monthRange, neighbours, outboxItem, parseMonth, scheduleItem } from './calendar';
import { sideBySide } from './diff';
import { layoutDag, NODE } from './runs';

describe('layoutDag', () => {
  const spring = [
    { id: 'draft_email', dependsOn: [] },
    { id: 'draft_social', dependsOn: [] },
    { id: 'compose_email', dependsOn: ['draft_email'] },
    { id: 'send_email', dependsOn: ['compose_email'] },
    { id: 'seo_analysis', dependsOn: ['draft_email'] },
    { id: 'report', dependsOn: ['send_email', 'draft_social'] },
  ];

  it('puts each step one layer after its deepest dependency, keeping plan order within a layer', () => {
    const { layers } = layoutDag(spring);
    expect(layers).toEqual([['draft_email', 'draft_social'], ['compose_email', 'seo_analysis'], ['send_email'], ['report']]);
  });

  it('draws one edge per dependency, left to right, and sizes the drawing to the widest layer', () => {
    const g = layoutDag(spring);
    expect(g.edges.map((e) => `${e.from}>${e.to}`).sort()).toEqual(
      [
        'compose_email>send_email',
        'draft_email>compose_email',
        'draft_email>seo_analysis',
        'draft_social>report',
        'send_email>report',
      ].sort(),
    );
    const x = Object.fromEntries(g.nodes.map((n) => [n.id, n.x]));
    expect(x.report).toBeGreaterThan(x.send_email ?? Infinity);
    expect(g.width).toBe(4 * NODE.width + 3 * NODE.gapX);
    expect(g.height).toBe(2 * NODE.height + NODE.gapY);
  });

  it('ignores unknown dependencies and does not loop on a cycle', () => {
    const g = layoutDag([
      { id: 'a', dependsOn: ['b', 'ghost'] },
      { id: 'b', dependsOn: ['a'] },
    ]);
    expect(g.nodes).toHaveLength(2);
  });
});

describe('sideBySide', () => {
  it('pairs removed and added lines row by row, marks the changed words, numbers both sides', () => {
    const rows = sideBySide('--- d v1\n+++ d v2\n@@ -1,2 +1,3 @@\n same\n-old line\n+new line\n+an extra line\n');
    expect(rows.map((r) => r.kind)).toEqual(['same', 'change', 'add']);
    expect(rows[1]?.left?.pieces.filter((p) => p.changed).map((p) => p.text)).toEqual(['old']);
    expect(rows[1]?.right?.pieces.filter((p) => p.changed).map((p) => p.text)).toEqual(['new']);
    expect([rows[2]?.left, rows[2]?.right?.n]).toEqual([undefined, 3]);
  });

  it('separates hunks with a gap row and keeps the line numbers of each side', () => {
    const rows = sideBySide('--- a\n+++ b\n@@ -10,1 +10,1 @@\n-x\n+y\n@@ -20,1 +20,0 @@\n-z\n');
    expect(rows.map((r) => r.kind)).toEqual(['gap', 'change', 'gap', 'remove']);
    expect(rows[3]?.left?.n).toBe(20);
  });
});

describe('month calendar', () => {
  it('lays out a month in Monday-first weeks with blanks outside it', () => {
    const g = monthGrid('2026-03'); // 1 March 2026 is a Sunday
    expect(g.weeks[0]).toEqual([null, null, null, null, null, null, '2026-03-01']);
    expect(g.weeks.flat().filter(Boolean)).toHaveLength(31);
    expect(g.weeks.every((w) => w.length === 7)).toBe(true);
  });

  it('parses YYYY-MM, falls back to the current month, and gives neighbours and the inclusive range', () => {
    expect(parseMonth('2026-12')).toEqual({ year: 2026, month: 12 });
    expect(parseMonth('garbage', new Date('2025-07-09T00:00:00Z'))).toEqual({ year: 2025, month: 7 });
    expect(neighbours(2026, 12)).toEqual({ prev: '2026-11', next: '2027-01' });
    expect(neighbours(2026, 1).prev).toBe('2025-12');
    expect(monthRange(2026, 2)).toEqual({ from: '2026-02-01T00:00:00.000Z', to: '2026-02-28T23:59:59.999Z' });
  });
});

describe('calendar items in the workspace time zone', () => {
  it('places an instant on its local day and time, DST included', () => {
    expect(localParts('2027-03-27T08:00:00.000Z', 'Europe/Paris')).toEqual({ day: '2027-03-27', time: '09:00' });
    expect(localParts('2027-03-29T07:00:00.000Z', 'Europe/Paris')).toEqual({ day: '2027-03-29', time: '09:00' });
    expect(localParts('2027-03-29T02:30:00.000Z', 'America/New_York')).toEqual({ day: '2027-03-28', time: '22:30' });
  });

  it('a schedule is a movable post while scheduled, a cancelled one is not shown, an e-mail send is not moved here', () => {
    const post = {
      id: 's1',
      key: 'e1',
      channel: 'social',
      network: 'linkedin',
      title: 'Hello',
      runAt: '2027-01-05T23:30:00.000Z',
      status: 'scheduled',
    };
    const it = scheduleItem(post, 'Asia/Tokyo');
    expect(it).toMatchObject({ id: 's1', key: 'e1', kind: 'social', channel: 'linkedin', day: '2027-01-06', time: '08:30', movable: true });
    expect(scheduleItem({ ...post, status: 'cancelled' }, 'UTC')).toBeNull();
    expect(scheduleItem({ ...post, status: 'pending_approval' }, 'UTC')?.status).toBe('pending_approval');
    expect(scheduleItem({ ...post, channel: 'email', network: undefined, status: 'scheduled' }, 'UTC')?.movable).toBe(false);
  });

  it('an e-mail sent without a schedule shows as sent; a schedule’s own send and a notification do not', () => {
    const m = {
      id: 'm1',
      plugin: 'connector-email-sandbox',
      idempotencyKey: 'run:x:step:send_email/connector-email-sandbox:send',
      channel: 'email',
      status: 'delivered',
      recipients: ['ada@example.com'],
      lastError: null,
      createdAt: '2027-01-05T10:00:00.000Z',
      deliveredAt: '2027-01-05T10:00:01.000Z',
    };
    expect(outboxItem(m, 'UTC', (id) => id)).toMatchObject({
      kind: 'email',
      status: 'sent',
      day: '2027-01-05',
      time: '10:00',
      movable: false,
    });
    expect(outboxItem({ ...m, idempotencyKey: 'schedule:abc/connector-email-sandbox:send' }, 'UTC', (id) => id)).toBeNull();
    expect(outboxItem({ ...m, idempotencyKey: 'notify:approval:r/s:u' }, 'UTC', (id) => id)).toBeNull();
    expect(outboxItem({ ...m, status: 'dead' }, 'UTC', (id) => id)?.status).toBe('failed');
  });

  it('a post published at once shows its network (the outbox carries it), else the channel', () => {
    const post = {
      id: 'm2',
      plugin: 'connector-social-sandbox',
      idempotencyKey: 'run:x:step:publish_linkedin/connector-social-sandbox:post',
      channel: 'social',
      network: 'linkedin',
      status: 'delivered',
      recipients: ['linkedin'],
      lastError: null,
      createdAt: '2027-01-05T10:00:00.000Z',
      deliveredAt: '2027-01-05T10:00:01.000Z',
    };
    expect(outboxItem(post, 'UTC', (id) => id)).toMatchObject({ kind: 'social', channel: 'linkedin', status: 'published' });
    expect(outboxItem({ ...post, network: null }, 'UTC', (id) => id)?.channel).toBe('social');
  });
});
