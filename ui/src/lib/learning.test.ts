import { ResultsSettingsBodySchema } from '@neonhub/schemas';
import { describe, expect, it } from 'vitest';
import {
  everyInWords,
  everyOptions,
  keptSettings,
  LEARNING_EVERY,
  parseLearningForm,
  parseMetricsForm,
  shownSettings,
  untilInWords,
} from './learning';

const form = (fields: Record<string, string>) => {
  const f = new FormData();
  for (const [k, v] of Object.entries(fields)) f.set(k, v);
  return f;
};

describe('learning settings in words', () => {
  it('says how often in words', () => {
    expect(LEARNING_EVERY.map(everyInWords)).toEqual([
      'every 15 minutes',
      'every 30 minutes',
      'every hour',
      'every 3 hours',
      'every 6 hours',
      'every 12 hours',
      'every day',
      'every 3 days',
      'every week',
    ]);
    expect(everyInWords(90)).toBe('every 1 hour 30 minutes');
    expect(everyInWords(2880)).toBe('every 2 days');
    expect(everyInWords(1)).toBe('every 1 minute');
  });

  it('offers the steps, and keeps a value set elsewhere (the CLI) among them in order', () => {
    expect(everyOptions(60).map((o) => o.minutes)).toEqual([...LEARNING_EVERY]);
    const odd = everyOptions(240);
    expect(odd.map((o) => o.minutes)).toEqual([15, 30, 60, 180, 240, 360, 720, 1440, 4320, 10_080]);
    expect(odd.find((o) => o.minutes === 240)?.label).toBe('every 4 hours');
  });

  it('says when it runs next, rounded down, never promising more time than is left', () => {
    const now = Date.parse('2026-12-07T10:00:00Z');
    expect(untilInWords('2026-12-07T10:00:30Z', now)).toBe('any moment now');
    expect(untilInWords('2026-12-07T09:59:00Z', now)).toBe('any moment now');
    expect(untilInWords('2026-12-07T10:25:59Z', now)).toBe('in 25 min');
    expect(untilInWords('2026-12-07T13:59:00Z', now)).toBe('in 3 h');
    expect(untilInWords('2026-12-10T10:00:00Z', now)).toBe('in 3 days');
  });
});

describe('the learning form', () => {
  it('reads a checked box as on and an absent one as off, into a body the host accepts', () => {
    const on = parseLearningForm(form({ learningEnabled: 'on', learningEveryMinutes: '1440', learningMetric: 'converted' }));
    expect(on).toEqual({ ok: true, body: { learningEnabled: true, learningEveryMinutes: 1440, learningMetric: 'converted' } });
    const off = parseLearningForm(form({ learningEveryMinutes: '15', learningMetric: 'opened' }));
    expect(off).toEqual({ ok: true, body: { learningEnabled: false, learningEveryMinutes: 15, learningMetric: 'opened' } });
    for (const r of [on, off]) if (r.ok) expect(ResultsSettingsBodySchema.safeParse(r.body).success).toBe(true);
  });

  it('refuses an interval outside 15 minutes–7 days, or not a whole number, in words naming the field', () => {
    for (const every of ['14', '10081', '', '60.5', 'hourly', '-60']) {
      const r = parseLearningForm(form({ learningEveryMinutes: every, learningMetric: 'clicked' }));
      expect(r, every).toEqual({
        ok: false,
        error: 'Pick how often it learns: between every 15 minutes and once a week.',
        field: 'learningEveryMinutes',
      });
    }
    expect(parseLearningForm(form({ learningEveryMinutes: '10080', learningMetric: 'clicked' })).ok).toBe(true);
  });

  it('refuses a metric the host does not learn from', () => {
    expect(parseLearningForm(form({ learningEveryMinutes: '60', learningMetric: 'bought' }))).toMatchObject({
      ok: false,
      field: 'learningMetric',
    });
    expect(parseLearningForm(form({ learningEveryMinutes: '60' }))).toMatchObject({ ok: false, field: 'learningMetric' });
  });
});

describe('the social figures form', () => {
  it('reads on/off, the interval and the days into a body the host accepts', () => {
    const r = parseMetricsForm(form({ metricsEnabled: 'on', metricsEveryMinutes: '360', metricsDays: '30' }));
    expect(r).toEqual({ ok: true, body: { metricsEnabled: true, metricsEveryMinutes: 360, metricsDays: 30 } });
    if (r.ok) expect(ResultsSettingsBodySchema.safeParse(r.body).success).toBe(true);
    expect(parseMetricsForm(form({ metricsEveryMinutes: '15', metricsDays: '1' }))).toMatchObject({
      ok: true,
      body: { metricsEnabled: false },
    });
  });

  it('refuses days outside 1–90 and an interval outside 15 minutes–7 days, naming the field', () => {
    for (const days of ['0', '91', '', '7.5'])
      expect(parseMetricsForm(form({ metricsEveryMinutes: '60', metricsDays: days })), days).toMatchObject({
        ok: false,
        field: 'metricsDays',
      });
    for (const every of ['10', '20000'])
      expect(parseMetricsForm(form({ metricsEveryMinutes: every, metricsDays: '7' })), every).toMatchObject({
        ok: false,
        field: 'metricsEveryMinutes',
      });
  });
});

describe('a refused settings form keeps what was sent', () => {
  const saved = { enabled: false, every: 1440, metric: 'converted' };

  it('shows the saved settings until that form is refused', () => {
    expect(shownSettings(saved, null, 'learning')).toEqual({ enabled: false, every: 1440, metric: 'converted', days: '' });
    // the other form's refusal leaves this one as saved
    const other = keptSettings(form({ metricsEnabled: 'on', metricsEveryMinutes: '60', metricsDays: '365' }), 'metrics');
    expect(shownSettings(saved, other, 'learning')).toEqual({ enabled: false, every: 1440, metric: 'converted', days: '' });
  });

  it('shows what was sent after a refusal: the switch, the interval, the metric, the days as typed', () => {
    const kept = keptSettings(form({ learningEnabled: 'on', learningEveryMinutes: '5', learningMetric: 'clicked' }), 'learning');
    expect(kept).toEqual({ form: 'learning', enabled: true, every: '5', metric: 'clicked', days: '' });
    expect(shownSettings(saved, kept, 'learning')).toEqual({ enabled: true, every: 5, metric: 'clicked', days: '' });
    // a checkbox left off is off, though the saved setting is on
    const metrics = keptSettings(form({ metricsEveryMinutes: '720', metricsDays: '365' }), 'metrics');
    expect(shownSettings({ enabled: true, every: 60, days: 30 }, metrics, 'metrics')).toEqual({
      enabled: false,
      every: 720,
      metric: '',
      days: '365',
    });
  });

  it('falls back to the saved value where no field can show what was sent', () => {
    const kept = keptSettings(form({ learningEveryMinutes: 'soon', learningMetric: 'likes' }), 'learning');
    expect(shownSettings(saved, kept, 'learning')).toEqual({ enabled: false, every: 1440, metric: 'converted', days: '' });
  });
});
