import { definePlugin } from '@neonhub/sdk';
import { draftReply } from './tools/draft-reply.js';
import { escalation } from './tools/escalation.js';
import { triage } from './tools/triage.js';

export { supportAgent } from './agent.js';
export { triage as triageMessage } from './triage.js';

export default definePlugin({
  id: 'agent-support',
  tools: [triage, draftReply, escalation],
});
