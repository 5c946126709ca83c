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
  NH_CONTENT_MEDIA_TOO_LARGE: {
    status: 413,
    category: 'user',
    description: 'The image is larger than the limit (500 KB): resize or compress it.',
  },
  NH_CONTENT_MEDIA_TYPE_UNSUPPORTED: {
    status: 415,
    category: 'user',
    description: 'The file is not a PNG, JPEG, GIF or WebP image, or its bytes are not the type it was declared as.',
  },
  NH_CONTENT_MEDIA_INVALID: { status: 400, category: 'user', description: 'The image data is empty or not base64.' },
  NH_CONTENT_MEDIA_LIMIT: { status: 409, category: 'user', description: 'The draft already has the most images it may hold (10).' },
  NH_CONTENT_MEDIA_NOT_FOUND: { status: 404, category: 'user', description: 'No image with that id in this workspace.' },
  NH_CONTENT_RESULTS_UNAVAILABLE: {
    status: 501,
    category: 'user',
    description:
      'The host gives this call no read access to the stored results (ctx.results): run the plugin in-process on a NeonHub host.',
  },
  NH_CONTENT_MEMORY_UNAVAILABLE: {
    status: 409,
    category: 'user',
    description: 'No plugin providing memory is enabled in the workspace (enable memory), so a winning draft cannot be remembered.',
  },
  NH_CONTENT_CONFLICT: {
    status: 409,
    category: 'transient',
    description: 'Another revision of the same draft was saved at the same time; retry.',
  },
});
