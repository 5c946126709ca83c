import { defineErrors } from '@neonhub/schemas';

/**
 * The governance plugin's error registry. Deny codes (NH_GOV_POLICY_DENY ... NH_GOV_APPROVAL_*) travel as the
 * `code` of a deny decision (the host wraps them in NH_TOOL_DENIED with `details.code`); the others are thrown
 * by governance's own tools.
 */
export const govErrors = defineErrors({
  NH_GOV_POLICY_DENY: { status: 403, category: 'user', description: "The workspace policy's deny list names this tool or its plugin." },
  NH_GOV_BUDGET_EXCEEDED: {
    status: 429,
    category: 'user',
    description: "The workspace's recorded language-model usage today reached the policy's token or cost cap (UTC day).",
  },
  NH_GOV_CONTENT_BANNED: { status: 403, category: 'user', description: 'Outgoing content contains a phrase the policy bans.' },
  NH_GOV_DISCLOSURE_MISSING: {
    status: 403,
    category: 'user',
    description: 'Outgoing content lacks a disclosure the policy requires for this tool (e.g. "Unsubscribe", "#ad").',
  },
  NH_GOV_PII: {
    status: 403,
    category: 'user',
    description: 'Outgoing content contains personal data (e-mail address, phone number or payment card number) the policy denies.',
  },
  NH_GOV_RECIPIENT_INVALID: {
    status: 400,
    category: 'user',
    description: "A channel send has no recipient (a string or an array of strings) at the policy's recipientPath.",
  },
  NH_GOV_CONSENT_MISSING: { status: 403, category: 'user', description: 'No consent is recorded for this contact on this channel.' },
  NH_GOV_OPTED_OUT: { status: 403, category: 'user', description: 'The contact revoked consent (opted out) on this channel.' },
  NH_GOV_FREQUENCY_CAP: {
    status: 429,
    category: 'user',
    description: "The contact already received the policy's maximum number of sends on this channel in the rolling window.",
  },
  NH_GOV_APPROVAL_NOT_FOUND: { status: 404, category: 'user', description: 'No approval with this id exists in the workspace.' },
  NH_GOV_APPROVAL_MISMATCH: {
    status: 403,
    category: 'user',
    description: 'A call carried an approval id granted for another tool or another input (canonical JSON hash).',
  },
  NH_GOV_APPROVAL_NOT_APPROVED: {
    status: 403,
    category: 'user',
    description: 'A call carried the id of an approval that is not approved.',
  },
  NH_GOV_APPROVAL_USED: {
    status: 409,
    category: 'user',
    description: 'The approval was already used to execute its call once; an approval executes exactly one call.',
  },
  NH_GOV_APPROVAL_EXPIRED: {
    status: 410,
    category: 'user',
    description: 'The approval passed its expiresAt before it was decided or used.',
  },
  NH_GOV_APPROVAL_REJECTED: {
    status: 403,
    category: 'user',
    description: 'A retry of a call whose approval request was rejected (same tool and idempotency key).',
  },
  NH_GOV_APPROVAL_NOT_PENDING: {
    status: 409,
    category: 'user',
    description: 'approve or reject was asked for an approval that is no longer pending (decided before, or concurrently).',
  },
  NH_GOV_FORBIDDEN: {
    status: 403,
    category: 'user',
    description: 'This governance action needs an owner or admin (or the system actor); agents never qualify.',
  },
  NH_GOV_POLICY_INVALID: {
    status: 400,
    category: 'user',
    description:
      'set_policy received a policy that does not match the policy schema; details.issues lists the zod issues and nothing was written.',
  },
  NH_GOV_POLICY_CONFLICT: {
    status: 409,
    category: 'user',
    description: 'set_policy was given an expectedVersion that is no longer the current policy version: reload and retry.',
  },
  NH_GOV_STORE_CONFLICT: {
    status: 503,
    category: 'transient',
    description: 'A governance record kept changing under concurrent writers; retry the call.',
  },
});

export type GovErrorCode = keyof typeof govErrors.registry;
