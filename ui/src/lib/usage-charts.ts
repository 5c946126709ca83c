/**
 * Chart.js configurations for the usage page. Only types come from chart.js here (erased at build
 * time), so server code may import this module; the library itself is loaded in the browser by
 * UsageChart.svelte.
 */
import type { ChartConfiguration } from 'chart.js';
import { type BreakdownRow, figure, type UsageDay } from './usage';

/** The console's theme colours, read from its CSS custom properties. */
export interface ChartTheme {
  text: string;
  muted: string;
  grid: string;
  accent: string;
  accent2: string;
  warn: string;
  ok: string;
}

/** Dark "neon glass" defaults, used when a variable is missing. */
export const NEON_DARK: ChartTheme = {
  text: '#e8eaff',
  muted: '#a9aed6',
  grid: 'rgba(255, 255, 255, 0.14)',
  accent: '#5ef2d6',
  accent2: '#ff5cc8',
  warn: '#ffd36e',
  ok: '#7dffb2',
};

/** The theme from computed styles (`getComputedStyle(document.documentElement)`). */
export function themeFrom(style: Pick<CSSStyleDeclaration, 'getPropertyValue'>): ChartTheme {
  const v = (name: string, fallback: string) => style.getPropertyValue(name).trim() || fallback;
  return {
    text: v('--text', NEON_DARK.text),
    muted: v('--muted', NEON_DARK.muted),
    grid: v('--card-border', NEON_DARK.grid),
    accent: v('--accent', NEON_DARK.accent),
    accent2: v('--accent-2', NEON_DARK.accent2),
    warn: v('--warn', NEON_DARK.warn),
    ok: v('--ok', NEON_DARK.ok),
  };
}

/** `#rrggbb` with an alpha, for fills; other colour syntaxes are returned unchanged. */
export function alpha(colour: string, a: number): string {
  const m = /^#([0-9a-f]{6})$/i.exec(colour);
  if (!m?.[1]) return colour;
  const n = Number.parseInt(m[1], 16);
  return `rgba(${(n >> 16) & 255}, ${(n >> 8) & 255}, ${n & 255}, ${a})`;
}

/** Every chart here: bars and lines over string labels (a label of several lines is an array of them). */
export type UsageChartConfig = ChartConfiguration<'bar' | 'line', number[], string | string[]>;

function axes(t: ChartTheme, left: string, right: string) {
  const tick = { color: t.muted };
  return {
    // offset: a single day's point sits in the middle, not on the axis
    x: { offset: true, ticks: tick, grid: { color: t.grid } },
    y: {
      position: 'left' as const,
      beginAtZero: true,
      title: { display: true, text: left, color: t.muted },
      ticks: tick,
      grid: { color: t.grid },
    },
    y1: {
      position: 'right' as const,
      beginAtZero: true,
      title: { display: true, text: right, color: t.muted },
      ticks: tick,
      grid: { drawOnChartArea: false },
    },
  };
}

function base(t: ChartTheme, reducedMotion: boolean) {
  return {
    responsive: true,
    maintainAspectRatio: false,
    animation: reducedMotion ? (false as const) : { duration: 400 },
    interaction: { mode: 'index' as const, intersect: false },
    plugins: { legend: { labels: { color: t.text } } },
  };
}

/** (1) Calls (bars, left axis) and LLM tokens (line, right axis) per day. */
export function callsAndTokensChart(days: readonly UsageDay[], t: ChartTheme, reducedMotion = false): UsageChartConfig {
  return {
    type: 'bar',
    data: {
      labels: days.map((d) => d.day),
      datasets: [
        {
          type: 'bar',
          label: 'Tool calls',
          data: days.map((d) => d.calls),
          backgroundColor: alpha(t.accent, 0.55),
          borderColor: t.accent,
          borderWidth: 1,
          yAxisID: 'y',
        },
        {
          type: 'line',
          label: 'LLM tokens',
          data: days.map((d) => d.totalTokens),
          borderColor: t.accent2,
          backgroundColor: t.accent2,
          pointRadius: 3,
          tension: 0.3,
          yAxisID: 'y1',
        },
      ],
    },
    options: { ...base(t, reducedMotion), scales: axes(t, 'calls', 'tokens') },
  };
}

/** (2) Estimated energy (Wh, left axis) and CO2e (g, right axis) per day. */
export function energyChart(days: readonly UsageDay[], t: ChartTheme, reducedMotion = false): UsageChartConfig {
  return {
    type: 'line',
    data: {
      labels: days.map((d) => d.day),
      datasets: [
        {
          type: 'line',
          label: 'Energy (Wh)',
          data: days.map((d) => d.wh),
          borderColor: t.warn,
          backgroundColor: alpha(t.warn, 0.2),
          fill: true,
          pointRadius: 3,
          tension: 0.3,
          yAxisID: 'y',
        },
        {
          type: 'line',
          label: 'CO₂e (g)',
          data: days.map((d) => d.co2eG),
          borderColor: t.ok,
          backgroundColor: t.ok,
          pointRadius: 3,
          tension: 0.3,
          yAxisID: 'y1',
        },
      ],
    },
    options: {
      ...base(t, reducedMotion),
      scales: axes(t, 'Wh', 'g CO₂e'),
      plugins: {
        ...base(t, reducedMotion).plugins,
        tooltip: { callbacks: { label: (c) => `${c.dataset.label}: ${figure(Number(c.parsed.y), 6)}` } },
      },
    },
  };
}

/** (3) A breakdown (by tool or by model) as horizontal bars of one figure. */
/**
 * A bar's label in lines of at most `width` characters, broken after `:`, `-`, `_`, `.` or a space (a long tool
 * or model name would otherwise be cut at 390 px: Chart.js draws each array item as its own line).
 */
export function wrapLabel(name: string, width = 18): string[] {
  const parts = name.match(/[^:\-_.\s]+[:\-_.\s]*/g) ?? [name];
  const lines: string[] = [];
  for (const part of parts) {
    const last = lines.length - 1;
    if (last >= 0 && (lines[last]! + part).trimEnd().length <= width) lines[last] += part;
    else for (let i = 0; i < part.length; i += width) lines.push(part.slice(i, i + width));
  }
  return lines.map((l) => l.trimEnd());
}

export function breakdownChart(
  rows: readonly BreakdownRow[],
  key: 'calls' | 'totalTokens' | 'wh',
  label: string,
  t: ChartTheme,
  reducedMotion = false,
): UsageChartConfig {
  const colours = rows.map((_, i) => (i % 2 === 0 ? t.accent : t.accent2));
  return {
    type: 'bar',
    data: {
      labels: rows.map((r) => wrapLabel(r.label)),
      datasets: [
        {
          type: 'bar',
          label,
          data: rows.map((r) => r[key]),
          backgroundColor: colours.map((c) => alpha(c, 0.55)),
          borderColor: colours,
          borderWidth: 1,
        },
      ],
    },
    options: {
      ...base(t, reducedMotion),
      indexAxis: 'y',
      plugins: { legend: { display: false } },
      scales: {
        x: { beginAtZero: true, title: { display: true, text: label, color: t.muted }, ticks: { color: t.muted }, grid: { color: t.grid } },
        y: { ticks: { color: t.text }, grid: { display: false } },
      },
    },
  };
}
