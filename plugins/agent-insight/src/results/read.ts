import type { ToolContext } from '@neonhub/sdk';
import { describeAnomaly } from '../digest/words.js';
import { insightErrors } from '../errors.js';
import { addDays, analyzeResults, type ResultsAnalysis, STAGES } from './analyze.js';

/** Yesterday in UTC: the last full day. */
export const yesterday = (now = new Date()) => addDays(now.toISOString().slice(0, 10), -1);

/** Reads the stored results through `ctx.results` and analyses them; each anomaly gets its sentence. */
export async function readAndAnalyze(
  ctx: ToolContext,
  opts: { asOf: string; weeks: number; campaign?: string | undefined; threshold?: number | undefined },
) {
  if (!ctx.results)
    throw insightErrors.create(
      'NH_INSIGHT_RESULTS_UNAVAILABLE',
      'this host gives the insight agent no access to stored results (it runs isolated, or the harness has no results)',
    );
  const from = addDays(opts.asOf, -(7 * opts.weeks - 1));
  const rows = await ctx.results.daily({
    from,
    to: opts.asOf,
    kinds: STAGES,
    ...(opts.campaign !== undefined ? { campaign: opts.campaign } : {}),
  });
  const analysis: ResultsAnalysis = analyzeResults(rows, {
    asOf: opts.asOf,
    weeks: opts.weeks,
    ...(opts.threshold !== undefined ? { threshold: opts.threshold } : {}),
  });
  return { ...analysis, anomalies: analysis.anomalies.map((a) => ({ ...a, summary: describeAnomaly(a) })) };
}
