import { defineErrors } from '@neonhub/schemas';

/** Errors of the social agent. */
export const socialErrors = defineErrors({
  NH_SOCIAL_POST_INVALID: {
    status: 400,
    category: 'user',
    description: 'The post breaks a hard rule of its network (too long, too many hashtags): run compose and use its trimmed post.',
  },
  NH_SOCIAL_ENTRY_NOT_FOUND: { status: 404, category: 'user', description: 'No calendar entry with that id in this workspace.' },
  NH_SOCIAL_ENTRY_LOCKED: {
    status: 409,
    category: 'user',
    description: 'The calendar entry is published or waiting for approval: it can no longer be moved or edited.',
  },
  NH_SOCIAL_ALREADY_PUBLISHED: { status: 409, category: 'user', description: 'The calendar entry was already published.' },
  NH_SOCIAL_TIME_INVALID: {
    status: 400,
    category: 'user',
    description: 'A schedule time in the past, or a calendar range whose end is before its start.',
  },
});
