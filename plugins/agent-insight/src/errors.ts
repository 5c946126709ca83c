import { defineErrors } from '@neonhub/schemas';

/** Errors of the insight agent. */
export const insightErrors = defineErrors({
  NH_INSIGHT_SERIES_TOO_SHORT: {
    status: 400,
    category: 'user',
    description: 'The series has too few points for the method (e.g. seasonal needs at least two periods plus three points).',
  },
});
