import { defineErrors } from '@neonhub/schemas';

/** Errors of the insight agent. */
export const insightErrors = defineErrors({
  NH_INSIGHT_SERIES_TOO_SHORT: {
    status: 400,
    category: 'user',
    description: 'The series has too few points for the method (e.g. seasonal needs at least two periods plus three points).',
  },
  NH_INSIGHT_RESULTS_UNAVAILABLE: {
    status: 400,
    category: 'user',
    description: 'The insight agent has no access to stored results here (isolated, or a harness without results): run it in-process.',
  },
  NH_INSIGHT_DIGEST_NO_ROUTE: {
    status: 400,
    category: 'user',
    description:
      "The digest has nowhere to go: add recipients (e-mail) to the agent's digest config, or enable a chat connector for channel chat.",
  },
  NH_INSIGHT_SCHEDULER_UNAVAILABLE: {
    status: 400,
    category: 'user',
    description: 'The host offers no scheduler to this plugin (isolated, or a harness without one): the weekly digest cannot be planned.',
  },
});
