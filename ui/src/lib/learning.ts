import type { LearningMetric, ResultsSettingsBody } from '@neonhub/schemas';

/**
 * The learning settings in the marketer's words (the results settings page, docs/analytics.md#learning-settings): how
 * often the learning loop scores the drafts and budgets, and by what. The host bounds the interval to 15 minutes–7 days
 * (`ResultsSettingsBodySchema`); the page offers these steps inside those bounds.
 */
export const LEARNING_MIN_MINUTES = 15;
export const LEARNING_MAX_MINUTES = 10_080;

/** The intervals offered, in minutes. */
export const LEARNING_EVERY = [15, 30, 60, 180, 360, 720, 1440, 4320, 10_080] as const;

/** What each metric means to a marketer. */
export const LEARNING_METRICS: readonly { value: LearningMetric; label: string; hint: string }[] = [
  { value: 'clicked', label: 'Clicks', hint: 'Tracked-link clicks per message sent.' },
  { value: 'opened', label: 'Opens', hint: 'E-mails opened per message sent (posts have no opens).' },
  { value: 'converted', label: 'Conversions', hint: 'Purchases or sign-ups per message sent (needs the conversion snippet or Stripe).' },
];

export const metricInWords = (m: LearningMetric) => LEARNING_METRICS.find((x) => x.value === m)?.label.toLowerCase() ?? m;

const plural = (n: number, one: string) => `${n} ${one}${n === 1 ? '' : 's'}`;

/** "every hour", "every 15 minutes", "every 3 days", "every week": an interval in minutes in words. */
export function everyInWords(minutes: number): string {
  if (minutes === 60) return 'every hour';
  if (minutes === 1440) return 'every day';
  if (minutes === 10_080) return 'every week';
  if (minutes % 1440 === 0) return `every ${plural(minutes / 1440, 'day')}`;
  if (minutes % 60 === 0) return `every ${plural(minutes / 60, 'hour')}`;
  if (minutes > 60) return `every ${plural(Math.floor(minutes / 60), 'hour')} ${plural(minutes % 60, 'minute')}`;
  return `every ${plural(minutes, 'minute')}`;
}

/** The choices of the interval: the steps, and the current value when it is none of them (set by the CLI or the API). */
export function everyOptions(current: number): { minutes: number; label: string }[] {
  const all = LEARNING_EVERY.includes(current as (typeof LEARNING_EVERY)[number]) ? [...LEARNING_EVERY] : [...LEARNING_EVERY, current];
  return all.sort((a, b) => a - b).map((minutes) => ({ minutes, label: everyInWords(minutes) }));
}

/** "in 3 h", "in 25 min", "in 2 days", "any moment now": how long until `iso` from `now`, rounded down. */
export function untilInWords(iso: string, now: number): string {
  const left = Date.parse(iso) - now;
  if (!(left >= 60_000)) return 'any moment now';
  if (left < 3_600_000) return `in ${Math.floor(left / 60_000)} min`;
  if (left < 48 * 3_600_000) return `in ${Math.floor(left / 3_600_000)} h`;
  return `in ${Math.floor(left / 86_400_000)} days`;
}

export type LearningForm = { ok: true; body: ResultsSettingsBody } | { ok: false; error: string; field: string };

/**
 * The learning form as the body of `saveResultsSettings`: `learningEnabled` (a checkbox: on when present),
 * `learningEveryMinutes` (15–10080) and `learningMetric`. Anything else is refused in words, naming the field.
 */
export function parseLearningForm(form: FormData): LearningForm {
  const every = String(form.get('learningEveryMinutes') ?? '').trim();
  const minutes = Number(every);
  if (!/^\d+$/.test(every) || minutes < LEARNING_MIN_MINUTES || minutes > LEARNING_MAX_MINUTES)
    return { ok: false, error: 'Pick how often it learns: between every 15 minutes and once a week.', field: 'learningEveryMinutes' };
  const metric = String(form.get('learningMetric') ?? '');
  const known = LEARNING_METRICS.find((m) => m.value === metric);
  if (!known) return { ok: false, error: 'Pick what it learns from: clicks, opens or conversions.', field: 'learningMetric' };
  return {
    ok: true,
    body: { learningEnabled: form.get('learningEnabled') !== null, learningEveryMinutes: minutes, learningMetric: known.value },
  };
}

export const METRICS_MIN_DAYS = 1;
export const METRICS_MAX_DAYS = 90;

/**
 * The social metrics form as the body of `saveResultsSettings`: `metricsEnabled` (a checkbox), `metricsEveryMinutes`
 * (15–10080, the same steps as learning) and `metricsDays` (1–90: how long after publishing a post is still pulled).
 */
export function parseMetricsForm(form: FormData): LearningForm {
  const every = String(form.get('metricsEveryMinutes') ?? '').trim();
  const minutes = Number(every);
  if (!/^\d+$/.test(every) || minutes < LEARNING_MIN_MINUTES || minutes > LEARNING_MAX_MINUTES)
    return {
      ok: false,
      error: 'Pick how often the networks are asked: between every 15 minutes and once a week.',
      field: 'metricsEveryMinutes',
    };
  const daysText = String(form.get('metricsDays') ?? '').trim();
  const days = Number(daysText);
  if (!/^\d+$/.test(daysText) || days < METRICS_MIN_DAYS || days > METRICS_MAX_DAYS)
    return { ok: false, error: 'Say for how many days after a post its figures are pulled: 1 to 90.', field: 'metricsDays' };
  return { ok: true, body: { metricsEnabled: form.get('metricsEnabled') !== null, metricsEveryMinutes: minutes, metricsDays: days } };
}

/** Which form of the results settings page was sent. */
export type SettingsFormName = 'learning' | 'metrics';

/**
 * What a refused settings form held, as the person left it (every field as text, a checkbox on or off): the action
 * returns it with the refusal, so the page shows what they chose next to the error instead of the saved values.
 */
export interface KeptSettings {
  form: SettingsFormName;
  enabled: boolean;
  every: string;
  metric: string;
  days: string;
}

const field = (form: FormData, name: string) => {
  const v = form.get(name);
  return typeof v === 'string' ? v : '';
};

/** The fields of the sent form (`learning`: learningEnabled, learningEveryMinutes, learningMetric; `metrics`: metricsEnabled, metricsEveryMinutes, metricsDays). */
export function keptSettings(form: FormData, name: SettingsFormName): KeptSettings {
  const learning = name === 'learning';
  return {
    form: name,
    enabled: form.get(learning ? 'learningEnabled' : 'metricsEnabled') !== null,
    every: field(form, learning ? 'learningEveryMinutes' : 'metricsEveryMinutes'),
    metric: learning ? field(form, 'learningMetric') : '',
    days: learning ? '' : field(form, 'metricsDays'),
  };
}

export interface ShownSettings {
  enabled: boolean;
  /** The interval selected (a whole number of minutes: one the person sent, else the saved one). */
  every: number;
  metric: string;
  /** The days field as written (text: 365 or "" stay as typed). */
  days: string;
}

/**
 * What one form of the page shows: the saved settings, or, after that form was refused, what was sent (an interval
 * that is not a whole number, which no option can show, falls back to the saved one).
 */
export function shownSettings(
  saved: { enabled: boolean; every: number; metric?: string; days?: number },
  kept: KeptSettings | null | undefined,
  name: SettingsFormName,
): ShownSettings {
  const fromSaved = {
    enabled: saved.enabled,
    every: saved.every,
    metric: saved.metric ?? '',
    days: saved.days === undefined ? '' : String(saved.days),
  };
  if (!kept || kept.form !== name) return fromSaved;
  const every = /^\d+$/.test(kept.every.trim()) ? Number(kept.every.trim()) : saved.every;
  const metric = LEARNING_METRICS.some((m) => m.value === kept.metric) ? kept.metric : fromSaved.metric;
  return { enabled: kept.enabled, every, metric, days: kept.days };
}
