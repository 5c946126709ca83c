import { definePlugin } from '@neonhub/sdk';
import { calendar } from './tools/calendar.js';
import { cancel } from './tools/cancel.js';
import { compose } from './tools/compose.js';
import { publish } from './tools/publish.js';
import { schedule } from './tools/schedule.js';
import { updateEntry } from './tools/update-entry.js';

export { socialAgent } from './agent.js';
export { composePost, weightedLength } from './compose-post.js';
export { socialErrors } from './errors.js';

export default definePlugin({
  id: 'agent-social',
  tools: [compose, schedule, calendar, publish, updateEntry, cancel],
});
