import { definePlugin } from '@neonhub/sdk';
import { checkQualityTool } from './tools/check-quality.js';
import { diff } from './tools/diff.js';
import { draft } from './tools/draft.js';
import { getDraft } from './tools/get-draft.js';
import { learnFromResults } from './tools/learn-from-results.js';
import { listDrafts } from './tools/list-drafts.js';
import { attachMedia, getMedia, listMedia } from './tools/media.js';
import { promptStats } from './tools/prompt-stats.js';
import { recordOutcome } from './tools/record-outcome.js';
import { rememberWinner } from './tools/remember-winner.js';
import { revise } from './tools/revise.js';

export { contentAgent } from './agent.js';
export { contentErrors } from './errors.js';
export { checkQuality } from './quality.js';

export default definePlugin({
  id: 'agent-content',
  tools: [
    draft,
    revise,
    diff,
    getDraft,
    listDrafts,
    checkQualityTool,
    recordOutcome,
    promptStats,
    learnFromResults,
    rememberWinner,
    attachMedia,
    listMedia,
    getMedia,
  ],
});
