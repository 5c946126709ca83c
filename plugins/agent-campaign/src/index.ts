import { definePlugin } from '@neonhub/sdk';
import { addVariant } from './tools/add-variant.js';
import { allocateBudget } from './tools/allocate-budget.js';
import { allocationHistory } from './tools/allocation-history.js';
import { createCampaign } from './tools/create-campaign.js';
import { getCampaign } from './tools/get-campaign.js';
import { listCampaigns } from './tools/list-campaigns.js';
import { reallocate } from './tools/reallocate.js';
import { recordResult } from './tools/record-result.js';

export { campaignAgent } from './agent.js';
export { campaignErrors } from './errors.js';

export default definePlugin({
  id: 'agent-campaign',
  tools: [createCampaign, listCampaigns, getCampaign, addVariant, recordResult, allocateBudget, reallocate, allocationHistory],
});
