import type { ResultsAnalysis } from '../results/analyze.js';
import { count, describeFinding, describeForecast, describeMover, findingsOf, shortDay } from './words.js';

export interface DigestMessage {
  subject: string;
  text: string;
}

/**
 * The weekly digest in plain words for a marketer: what stood out (anomalies of the week, with their day and the
 * likely reason), the biggest changes from the week before, and next week's forecast. No ids, no scores.
 */
export function renderDigest(a: ResultsAnalysis, opts: { workspace: string }): DigestMessage {
  const week = `${shortDay(a.period.from)} – ${shortDay(a.period.to)}`;
  const lines: string[] = [`Your results for ${week} (${opts.workspace}).`, ''];
  const findings = findingsOf(a.anomalies.filter((x) => x.inPeriod));
  lines.push('What stood out');
  if (findings.length === 0) lines.push('- Nothing unusual: every campaign stayed within its normal daily range.');
  else for (const f of findings) lines.push(`- ${describeFinding(f)}`);
  lines.push('', 'Biggest changes from the week before');
  if (a.movers.length === 0) lines.push('- No campaign moved by more than chance would explain.');
  else for (const m of a.movers) lines.push(`- ${describeMover(m)}`);
  lines.push('', 'This week in numbers');
  if (a.campaigns.length === 0) lines.push('- No results were recorded in the last weeks.');
  for (const c of a.campaigns) {
    const t = c.thisWeek;
    lines.push(
      `- ${c.campaign}: ${count(t.sent)} sent, ${count(t.opened)} opened, ${count(t.clicked)} clicked, ${count(t.converted)} converted.`,
    );
  }
  if (a.forecast.length > 0) {
    lines.push('', 'Next week');
    for (const f of a.forecast) lines.push(`- ${describeForecast(f)}`);
  }
  lines.push(
    '',
    'How to read this: a day is named when it is far outside the range the previous weeks make normal for that day of the week; forecasts extend the recent trend (Holt smoothing) and give the range that holds about four weeks in five.',
  );
  const headline = findings.length > 0 ? `${findings.length} thing${findings.length === 1 ? '' : 's'} to look at` : 'a quiet week';
  return { subject: `Weekly results ${week}: ${headline}`, text: lines.join('\n') };
}
