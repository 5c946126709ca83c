import { definePlugin } from '@neonhub/sdk';
import { cancel } from './tools/cancel.js';
import { compose } from './tools/compose.js';
import { listSchedules } from './tools/list-schedules.js';
import { reschedule } from './tools/reschedule.js';
import { schedule } from './tools/schedule.js';
import { send } from './tools/send.js';

export { emailAgent } from './agent.js';
export { emailErrors } from './errors.js';

export default definePlugin({
  id: 'agent-email',
  tools: [compose, schedule, listSchedules, send, reschedule, cancel],
});
