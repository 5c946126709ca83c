import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { toJsonSchema } from '@neonhub/sdk';
import { createHarness, createMemoryResults, createMemoryScheduler, simulateCampaignWeek, simulatedDailyRows } from '@neonhub/sdk/testing';
import { describe, expect, it } from 'vitest';
import { ConfigSchema, digestConfig } from '../config.js';
import plugin from '../index.js';
import { nextDigestTime } from './next-run.js';

const rows = async () =>
  simulatedDailyRows(
    await simulateCampaignWeek({
      seed: 'unit',
      variants: [{ id: 'A', clickRate: 0.04 }],
      days: 28,
      start: '2026-11-02',
      campaign: 'Spring sale',
      anomalies: [{ day: 22, kind: 'clicked', factor: 0.15 }],
      detail: 'counts',
    }),
  );

describe('digest config', () => {
  it('plugin.json config is generated from ConfigSchema, and defaults are filled in', async () => {
    const manifest = JSON.parse(await readFile(join(import.meta.dirname, '..', '..', 'plugin.json'), 'utf8'));
    expect(manifest.config).toEqual(toJsonSchema(ConfigSchema, 'input'));
    expect(digestConfig({})).toEqual({ enabled: false, channel: 'email', recipients: [], day: 'monday', time: '09:00', weeks: 4 });
    expect(() => digestConfig({ digest: { time: '25:00' } })).toThrow();
    expect(() => digestConfig({ digest: { recipients: ['not an address'] } })).toThrow();
  });
});

describe('nextDigestTime', () => {
  const at = (iso: string) => new Date(iso);
  it('is today when the time is still ahead, else the same weekday next week, in the given zone', () => {
    // Sunday 6 December 2026, 08:00 UTC
    expect(nextDigestTime(at('2026-12-06T08:00:00Z'), 'monday', '09:00')).toEqual({ date: '2026-12-07', runAt: '2026-12-07T09:00' });
    expect(nextDigestTime(at('2026-12-06T08:00:00Z'), 'sunday', '09:00').date).toBe('2026-12-06');
    expect(nextDigestTime(at('2026-12-06T09:00:00Z'), 'sunday', '09:00').date).toBe('2026-12-13');
    // 23:30 UTC on Sunday is already Monday 08:30 in Tokyo: Monday 09:00 there is still today
    expect(nextDigestTime(at('2026-12-06T23:30:00Z'), 'monday', '09:00', 'Asia/Tokyo').date).toBe('2026-12-07');
    expect(nextDigestTime(at('2026-12-07T00:30:00Z'), 'monday', '09:00', 'Asia/Tokyo').date).toBe('2026-12-14');
  });
});

describe('send_digest and schedule_digest', () => {
  it('posts to the chat connector the router names, with the anomaly in words', async () => {
    const posts: Array<{ tool: string; input: { text: string; channel?: string; connection?: string } }> = [];
    const harness = createHarness(plugin, {
      config: { digest: { channel: 'chat', chatChannel: '#marketing' } },
      results: createMemoryResults(await rows()),
      channels: {
        resolve: async (c) =>
          c === 'chat'
            ? { plugin: 'connector-slack', tool: 'connector-slack:post', sandbox: false, connection: { id: 'c1', label: 'Team' } }
            : undefined,
      },
      callTool: async (tool, input) => {
        posts.push({ tool, input: input as (typeof posts)[number]['input'] });
        return { messageId: 'C1:1.2', duplicate: false, status: 'posted', channel: '#marketing', recordedAt: new Date().toISOString() };
      },
    });
    const out = (await harness.call('send_digest', { asOf: '2026-11-29' })) as { status: string; via: string; anomalies: number };
    expect(out).toMatchObject({ status: 'sent', via: 'connector-slack:post', anomalies: 1 });
    expect(posts).toHaveLength(1);
    expect(posts[0]!.input.channel).toBe('#marketing');
    expect(posts[0]!.input.connection).toBe('c1');
    expect(posts[0]!.input.text).toContain('Spring sale: clicks dropped on Tuesday 24 November');
  });

  it('chat without a chat connector, or e-mail without recipients: NH_INSIGHT_DIGEST_NO_ROUTE', async () => {
    const results = createMemoryResults(await rows());
    await expect(createHarness(plugin, { config: { digest: { channel: 'chat' } }, results }).call('send_digest', {})).rejects.toMatchObject(
      {
        code: 'NH_INSIGHT_DIGEST_NO_ROUTE',
      },
    );
    await expect(createHarness(plugin, { results }).call('send_digest', {})).rejects.toMatchObject({ code: 'NH_INSIGHT_DIGEST_NO_ROUTE' });
  });

  it('schedule_digest keeps exactly the next digest on the calendar: planned, moved to another day, switched off', async () => {
    const scheduler = createMemoryScheduler();
    const config: Record<string, unknown> = { digest: { enabled: true, recipients: ['team@example.com'], day: 'friday', time: '16:30' } };
    const harness = createHarness(plugin, { config, scheduler });
    const first = (await harness.call('schedule_digest', {})) as { status: string; date: string; reports: { from: string; to: string } };
    expect(first.status).toBe('scheduled');
    expect(new Date(`${first.date}T00:00:00Z`).getUTCDay()).toBe(5);
    const planned = scheduler.entries.get(`digest:${first.date}`)!;
    expect(planned).toMatchObject({
      tool: 'agent-insight:send_digest',
      status: 'scheduled',
      title: 'Weekly results digest',
      channel: 'email',
    });
    expect(planned.input).toEqual({ asOf: first.reports.to });

    config.digest = { ...(config.digest as object), day: 'tuesday' };
    const moved = (await harness.call('schedule_digest', {})) as { date: string };
    expect(scheduler.entries.get(`digest:${first.date}`)!.status).toBe('cancelled');
    expect(scheduler.entries.get(`digest:${moved.date}`)!.status).toBe('scheduled');

    config.digest = { enabled: false };
    expect(await harness.call('schedule_digest', {})).toEqual({ status: 'off', cancelled: true });
    expect([...scheduler.entries.values()].filter((s) => s.status === 'scheduled')).toEqual([]);
    // without a scheduler it says so
    await expect(createHarness(plugin, { config: { digest: { enabled: true } } }).call('schedule_digest', {})).rejects.toMatchObject({
      code: 'NH_INSIGHT_SCHEDULER_UNAVAILABLE',
    });
  });
});
