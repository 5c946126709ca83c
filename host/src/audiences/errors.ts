import { defineErrors } from '@neonhub/schemas';

/** Audiences and results (docs/audiences.md, docs/analytics.md). */
export const audienceErrors = defineErrors({
  NH_AUDIENCE_CONTACT_NOT_FOUND: { status: 404, category: 'user', description: 'No contact with this id in the workspace.' },
  NH_AUDIENCE_LIST_NOT_FOUND: { status: 404, category: 'user', description: 'No contact list with this id in the workspace.' },
  NH_AUDIENCE_SEGMENT_NOT_FOUND: { status: 404, category: 'user', description: 'No segment with this id in the workspace.' },
  NH_AUDIENCE_NAME_TAKEN: {
    status: 409,
    category: 'user',
    description: 'A list or segment with this name already exists in the workspace.',
  },
  NH_AUDIENCE_CONTACT_CONFLICT: {
    status: 409,
    category: 'user',
    description: 'The e-mail address and the phone number belong to two different contacts; update one of them first.',
  },
  NH_AUDIENCE_CSV_INVALID: {
    status: 400,
    category: 'user',
    description: 'The CSV cannot be read (unclosed quote, ragged rows, no header); the message names the line.',
  },
  NH_AUDIENCE_CSV_NO_ADDRESS_COLUMN: {
    status: 400,
    category: 'user',
    description: 'The CSV header has neither an `email` nor a `phone` column.',
  },
  NH_AUDIENCE_IMPORT_REJECTED: {
    status: 400,
    category: 'user',
    description:
      'Some rows are invalid, so nothing was written; `details.errors` lists each row with its code. Fix them or remove them and import again.',
  },
  NH_AUDIENCE_ROW_INVALID: {
    status: 400,
    category: 'user',
    description: 'An import row: a field does not have the right form (the error names the field).',
  },
  NH_AUDIENCE_ROW_NO_ADDRESS: {
    status: 400,
    category: 'user',
    description: 'An import row has neither an e-mail address nor a phone number.',
  },
  NH_AUDIENCE_ROW_DUPLICATE: {
    status: 400,
    category: 'user',
    description: 'An import row repeats the e-mail address or phone number of an earlier row.',
  },
  NH_AUDIENCE_NO_ADDRESS: {
    status: 400,
    category: 'user',
    description: 'The contact has no address on the channel of the send (no e-mail for email, no phone for sms).',
  },
  NH_AUDIENCE_SUPPRESSED: {
    status: 400,
    category: 'user',
    description: "The contact's address is on the workspace's suppression list; nothing was sent.",
  },
  NH_RESULTS_LINK_NOT_FOUND: {
    status: 404,
    category: 'user',
    description: 'No tracked link has this code (only links a workspace created redirect).',
  },
  NH_RESULTS_CLICK_UNKNOWN: {
    status: 400,
    category: 'user',
    description: 'The conversion names a click token the workspace never issued.',
  },
  NH_RESULTS_CONVERSION_UNATTRIBUTED: {
    status: 400,
    category: 'user',
    description: 'A conversion needs a click token, a contact (contactId or email) or a campaign to be stored against.',
  },
  NH_RESULTS_RANGE_INVALID: {
    status: 400,
    category: 'user',
    description: 'A results read needs from and to as YYYY-MM-DD days, from on or before to, at most 400 days apart.',
  },
});
