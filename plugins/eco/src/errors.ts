import { defineErrors } from '@neonhub/schemas';

/** Errors raised by the eco plugin. */
export const ecoErrors = defineErrors({
  NH_ECO_RANGE_INVALID: { status: 400, category: 'user', description: 'usage_summary or report was given a from date after its to date.' },
  NH_ECO_CONFIG_INVALID: { status: 400, category: 'user', description: "The workspace's eco config does not match its schema." },
  NH_ECO_UPDATE_CONFLICT: {
    status: 503,
    category: 'transient',
    description:
      'A running total kept changing under other writers and could not be updated; the call was recorded but its totals may lag.',
  },
});
