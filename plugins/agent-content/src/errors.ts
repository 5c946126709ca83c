import { defineErrors } from '@neonhub/schemas';

/** Errors of the content agent. */
export const contentErrors = defineErrors({
  NH_CONTENT_DRAFT_NOT_FOUND: { status: 404, category: 'user', description: 'No draft with that id in this workspace.' },
  NH_CONTENT_VERSION_NOT_FOUND: { status: 404, category: 'user', description: 'The draft has no version with that number.' },
  NH_CONTENT_NOT_TRACKED: {
    status: 409,
    category: 'user',
    description: 'The draft was written before prompt variants were tracked: it has no variant to record an outcome for.',
  },
  NH_CONTENT_CONFLICT: {
    status: 409,
    category: 'transient',
    description: 'Another revision of the same draft was saved at the same time; retry.',
  },
});
