import { defineErrors } from '@neonhub/schemas';

/** Errors of the campaign agent. */
export const campaignErrors = defineErrors({
  NH_CAMPAIGN_NOT_FOUND: { status: 404, category: 'user', description: 'No campaign with that id in this workspace.' },
  NH_CAMPAIGN_VARIANT_NOT_FOUND: { status: 404, category: 'user', description: 'No variant with that id in the campaign.' },
  NH_CAMPAIGN_VARIANT_EXISTS: {
    status: 409,
    category: 'user',
    description: 'The campaign already has a variant with that name on that channel.',
  },
  NH_CAMPAIGN_CHANNEL_UNKNOWN: { status: 400, category: 'user', description: 'The channel is not one of the campaign’s channels.' },
  NH_CAMPAIGN_RESULTS_UNAVAILABLE: {
    status: 501,
    category: 'user',
    description:
      'The host gives this call no read access to the stored results (ctx.results): run the plugin in-process on a NeonHub host.',
  },
});
