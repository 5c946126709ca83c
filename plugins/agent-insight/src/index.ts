import { definePlugin } from '@neonhub/sdk';
import { analyzeResults } from './tools/analyze-results.js';
import { competitorMentions } from './tools/competitor-mentions.js';
import { detectAnomalies } from './tools/detect-anomalies.js';
import { detectTrend } from './tools/detect-trend.js';
import { forecast } from './tools/forecast.js';
import { scheduleDigest } from './tools/schedule-digest.js';
import { sendDigest } from './tools/send-digest.js';

export { insightAgent } from './agent.js';

export default definePlugin({
  id: 'agent-insight',
  tools: [detectAnomalies, detectTrend, forecast, competitorMentions, analyzeResults, sendDigest, scheduleDigest],
});
