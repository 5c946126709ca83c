import { defineErrors } from '@neonhub/schemas';

/** Errors of the e-mail agent. */
export const emailErrors = defineErrors({
  NH_EMAIL_TEMPLATE_NOT_FOUND: {
    status: 404,
    category: 'user',
    description: 'No e-mail template with that id in this workspace: compose it first.',
  },
  NH_EMAIL_SCHEDULE_NOT_FOUND: { status: 404, category: 'user', description: 'No e-mail schedule with that id in this workspace.' },
  NH_EMAIL_ALREADY_SENT: {
    status: 409,
    category: 'user',
    description: 'The schedule was already sent (or is being sent) by another call; a retry must reuse that call’s idempotency key.',
  },
  NH_EMAIL_SEND_TIME_INVALID: { status: 400, category: 'user', description: 'The send time of a schedule lies in the past.' },
  NH_EMAIL_CONFLICT: { status: 409, category: 'transient', description: 'Another call changed the schedule at the same time; retry.' },
});
