import { defineTool } from '@neonhub/sdk';
import { z } from 'zod';
import type { Counter } from '../aggregate.js';
import { readConfig, resolveSettings } from '../config.js';
import { FACTORS_VERSION } from '../factors.js';
import { RangeInput, type Summary, summarize } from '../summary.js';

const num = (n: number, digits = 0) => n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
/** Wh with sensible precision: 0.000123 Wh is not 0. */
const wh = (n: number) => (n === 0 ? '0' : n < 0.01 ? n.toPrecision(2) : num(n, n < 10 ? 3 : 1));
const g = wh;

function table(title: string, rows: Array<[string, Counter]>, markdown: boolean): string[] {
  if (rows.length === 0) return [];
  const sorted = rows.sort((a, b) => b[1].wh - a[1].wh || a[0].localeCompare(b[0]));
  const header = ['', markdown ? `### ${title}` : title.toUpperCase(), ''];
  if (!markdown)
    return [
      ...header,
      ...sorted.map(([k, c]) => `  ${k}: ${num(c.calls)} calls, ${num(c.totalTokens)} tokens, ${wh(c.wh)} Wh, ${g(c.co2eG)} g CO2e`),
    ];
  return [
    ...header,
    '| | calls | tokens in | tokens out | energy (Wh) | CO2e (g) |',
    '|---|---:|---:|---:|---:|---:|',
    ...sorted.map(([k, c]) => `| ${k} | ${num(c.calls)} | ${num(c.inputTokens)} | ${num(c.outputTokens)} | ${wh(c.wh)} | ${g(c.co2eG)} |`),
  ];
}

/** A per-workspace usage and footprint report (markdown or plain text). */
export function renderReport(
  s: Summary,
  workspace: string,
  settings: { region: string; gCO2ePerKWh: number; pue: number },
  markdown: boolean,
): string {
  const period = s.runId ? `run ${s.runId}` : s.from ? `${s.from} to ${s.to} (UTC)` : 'no usage recorded yet';
  const t = s.totals;
  const lines = [
    markdown ? `## Usage and footprint: ${workspace}` : `USAGE AND FOOTPRINT: ${workspace}`,
    '',
    `Period: ${period}${s.days > 1 ? `, ${s.days} days with activity` : ''}.`,
    '',
    `${markdown ? '- ' : '  '}Tool calls: ${num(t.calls)} (${num(s.byStatus.ok)} ok, ${num(s.byStatus.error)} failed, ${num(s.byStatus.denied)} denied, ${num(s.byStatus.pending_approval)} awaiting approval)`,
    `${markdown ? '- ' : '  '}Model calls: ${num(t.llmCalls)}; tokens: ${num(t.inputTokens)} in, ${num(t.outputTokens)} out`,
    `${markdown ? '- ' : '  '}Estimated energy: ${wh(t.wh)} Wh (models ${wh(t.llmWh)} Wh, CPU ${wh(t.cpuWh)} Wh, before a PUE of ${settings.pue})`,
    `${markdown ? '- ' : '  '}Estimated emissions: ${g(t.co2eG)} g CO2e`,
    ...table('By model', Object.entries(s.byModel), markdown),
    ...table('By tool', Object.entries(s.byTool), markdown),
  ];
  if (s.byDay.length > 1) {
    lines.push('', markdown ? '### By day' : 'BY DAY', '');
    if (markdown) lines.push('| day | calls | tokens | energy (Wh) | CO2e (g) |', '|---|---:|---:|---:|---:|');
    for (const d of s.byDay)
      lines.push(
        markdown
          ? `| ${d.day} | ${num(d.calls)} | ${num(d.totalTokens)} | ${wh(d.wh)} | ${g(d.co2eG)} |`
          : `  ${d.day}: ${num(d.calls)} calls, ${num(d.totalTokens)} tokens, ${wh(d.wh)} Wh, ${g(d.co2eG)} g CO2e`,
      );
  }
  lines.push(
    '',
    `${markdown ? '_' : ''}Energy and CO2e are estimates (factor table ${FACTORS_VERSION}; grid ${settings.region} at ${settings.gCO2ePerKWh} gCO2e/kWh, PUE ${settings.pue}). Figures recorded earlier keep the factors of their time. The factors tool lists every figure and its source.${markdown ? '_' : ''}`,
  );
  return `${lines.join('\n')}\n`;
}

/** `beforeRead` writes what this host has buffered for the workspace first (eco's recorder). */
export const reportTool = (beforeRead: (workspaceId: string) => Promise<void> = async () => {}) =>
  defineTool({
    name: 'report',
    description:
      'Writes a usage and footprint report for the workspace over a range of UTC days (or one run): calls, tokens, estimated energy and CO2e, by model, tool and day, with the assumptions used. Markdown or plain text.',
    input: z.object({
      ...RangeInput,
      runId: z.string().min(1).max(100).optional().describe('Report on one run instead of a date range.'),
      format: z.enum(['markdown', 'text']).default('markdown').describe('markdown (default) or plain text.'),
    }),
    output: z.object({ format: z.enum(['markdown', 'text']), text: z.string() }),
    sideEffect: 'read',
    async run({ format, ...q }, ctx) {
      await beforeRead(ctx.workspace.id);
      const summary = await summarize(ctx.store, q);
      const s = resolveSettings(readConfig(ctx.config));
      return { format, text: renderReport(summary, ctx.workspace.slug, s, format === 'markdown') };
    },
  });
