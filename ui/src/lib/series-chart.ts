/**
 * The geometry of a daily series chart (the campaign page's time series), pure: from the days' counts, the counts
 * each day was expected to have and the anomalies, the SVG paths, axis ticks and marker positions in viewBox units.
 * The component draws it twice (a wide and a narrow viewBox, one shown per screen width), so text keeps its size.
 */

export interface SeriesAnomaly {
  day: string;
  value: number;
  expected: number;
  score: number;
  direction: 'high' | 'low';
}

export interface ChartSize {
  width: number;
  height: number;
  /** Room for the axes' labels. */
  margin: { top: number; right: number; bottom: number; left: number };
  /** About this many labelled days on the x axis. */
  xLabels: number;
  /** About this many gridlines on the y axis. */
  yTicks: number;
}

export const WIDE: ChartSize = { width: 960, height: 300, margin: { top: 16, right: 20, bottom: 36, left: 56 }, xLabels: 8, yTicks: 4 };
export const NARROW: ChartSize = { width: 360, height: 260, margin: { top: 14, right: 12, bottom: 34, left: 44 }, xLabels: 4, yTicks: 4 };

/** Round tick values from 0 to at least `max`: steps of 1, 2 or 5 times a power of ten, about `count` of them. */
export function niceTicks(max: number, count = 4): number[] {
  if (!(max > 0)) return [0, 1];
  const raw = max / count;
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= raw) ?? 10 * power;
  const whole = Math.max(1, step);
  const top = Math.ceil(max / whole) * whole;
  const ticks: number[] = [];
  for (let v = 0; v <= top + whole / 2; v += whole) ticks.push(v);
  return ticks;
}

/** "12 Nov" for a YYYY-MM-DD day (UTC, as the results' days are). */
export const shortDay = (day: string) =>
  new Date(`${day}T00:00:00Z`).toLocaleDateString('en-GB', { day: 'numeric', month: 'short', timeZone: 'UTC' });
/** "Tue 12 Nov". */
export const longDay = (day: string) =>
  new Date(`${day}T00:00:00Z`).toLocaleDateString('en-GB', { weekday: 'short', day: 'numeric', month: 'short', timeZone: 'UTC' });

const r1 = (n: number) => Math.round(n * 10) / 10;

export function seriesChart(
  days: readonly string[],
  values: readonly number[],
  expected: readonly number[],
  anomalies: readonly SeriesAnomaly[],
  size: ChartSize,
) {
  const { width, height, margin } = size;
  const x0 = margin.left;
  const x1 = width - margin.right;
  const y0 = height - margin.bottom;
  const y1 = margin.top;
  const ticks = niceTicks(Math.max(1, ...values, ...expected), size.yTicks);
  const top = ticks.at(-1) ?? 1;
  const n = days.length;
  const x = (i: number) => r1(n <= 1 ? (x0 + x1) / 2 : x0 + ((x1 - x0) * i) / (n - 1));
  const y = (v: number) => r1(y0 - ((y0 - y1) * v) / top);
  const path = (vs: readonly number[]) => vs.map((v, i) => `${i === 0 ? 'M' : 'L'}${x(i)},${y(v)}`).join('');
  const every = Math.max(1, Math.ceil(n / size.xLabels));
  const at = new Map(days.map((d, i) => [d, i]));
  return {
    width,
    height,
    plot: { x0, x1, y0, y1 },
    yTicks: ticks.map((v) => ({ value: v, y: y(v), label: v.toLocaleString('en-US') })),
    // labelled days: every `every`-th counted back from the last day (the latest day is always named)
    // (the first and last labels lean inwards so they stay inside the viewBox)
    xTicks: days.flatMap((d, i) =>
      (n - 1 - i) % every === 0
        ? [{ day: d, x: x(i), label: shortDay(d), anchor: n > 1 && i === n - 1 ? 'end' : n > 1 && i === 0 ? 'start' : 'middle' }]
        : [],
    ),
    line: path(values),
    expectedLine: path(expected),
    points: values.map((v, i) => ({ day: days[i]!, value: v, x: x(i), y: y(v) })),
    anomalies: anomalies.flatMap((a) => {
      const i = at.get(a.day);
      return i === undefined ? [] : [{ ...a, x: x(i), y: y(a.value), expectedY: y(a.expected) }];
    }),
  };
}
export type SeriesChartGeometry = ReturnType<typeof seriesChart>;

/** What a result kind is called in a sentence ("30 clicks"). */
export const METRIC_WORDS: Record<string, { label: string; one: string; many: string }> = {
  sent: { label: 'Sent', one: 'message sent', many: 'messages sent' },
  delivered: { label: 'Delivered', one: 'delivery', many: 'deliveries' },
  opened: { label: 'Opened', one: 'open', many: 'opens' },
  clicked: { label: 'Clicked', one: 'click', many: 'clicks' },
  converted: { label: 'Converted', one: 'conversion', many: 'conversions' },
};
const words = (kind: string) => METRIC_WORDS[kind] ?? { label: kind, one: kind, many: kind };
export const countOf = (kind: string, n: number) => `${n.toLocaleString('en-US')} ${n === 1 ? words(kind).one : words(kind).many}`;

/** An anomaly in words for a marketer: "Tue 12 Nov: 30 clicks where about 3 were expected (10× the usual)." */
export function describeAnomaly(kind: string, a: SeriesAnomaly): string {
  const expected = Math.round(a.expected);
  const ratio = a.expected > 0 ? a.value / a.expected : Number.POSITIVE_INFINITY;
  const how =
    a.direction === 'high'
      ? Number.isFinite(ratio) && ratio >= 2
        ? `${ratio >= 10 ? Math.round(ratio) : ratio.toFixed(1)}× the usual`
        : 'unusually many'
      : a.value === 0
        ? 'none at all'
        : `${Math.round((1 - a.value / Math.max(a.expected, 1e-9)) * 100)}% fewer than usual`;
  return `${longDay(a.day)}: ${countOf(kind, a.value)} where about ${expected.toLocaleString('en-US')} ${expected === 1 ? 'was' : 'were'} expected (${how}).`;
}
