import { definePlugin } from '@neonhub/sdk';
import { competitorMentions } from './tools/competitor-mentions.js';
import { detectAnomalies } from './tools/detect-anomalies.js';
import { detectTrend } from './tools/detect-trend.js';
import { forecast } from './tools/forecast.js';

export { insightAgent } from './agent.js';

export default definePlugin({
  id: 'agent-insight',
  tools: [detectAnomalies, detectTrend, forecast, competitorMentions],
});
