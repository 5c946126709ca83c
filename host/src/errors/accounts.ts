import type { ErrorRegistry } from '@neonhub/schemas';

/** Console accounts, sessions and membership (host/src/accounts). Part of the host's one registry (host/src/errors.ts). */
export const accountErrors = {
  // console accounts, sessions and membership (host/src/accounts)
  NH_AUTH_REQUIRED: {
    status: 401,
    category: 'user',
    description:
      'The request carries no credential, or its session expired: send a console session (the `__Host-neonhub_session` cookie or `Authorization: Bearer nhs_...`), an API token (`Bearer nh_...`) or the operator credential (`Bearer nho_...` from `<data dir>/operator.token`).',
  },
  NH_AUTH_CREDENTIALS_INVALID: {
    status: 401,
    category: 'user',
    description: 'The e-mail or password is wrong (the message does not say which).',
  },
  NH_AUTH_EMAIL_TAKEN: { status: 409, category: 'user', description: 'An account with this e-mail already exists; log in instead.' },
  NH_AUTH_RATE_LIMITED: {
    status: 429,
    category: 'transient',
    description:
      'Too many failed log-ins (or reset requests): details.scope says what is throttled (account-address: this account from this address; address: this address for every account; account: this account from addresses that never signed in to it) and details.retryAfterSeconds when to try again.',
  },
  NH_AUTH_LINK_INVALID: {
    status: 400,
    category: 'user',
    description: 'The password-reset or e-mail verification link is malformed or unknown; ask for a new one.',
  },
  NH_AUTH_LINK_USED: {
    status: 410,
    category: 'user',
    description: 'The password-reset or e-mail verification link was already used (each works once); ask for a new one.',
  },
  NH_AUTH_LINK_EXPIRED: {
    status: 410,
    category: 'user',
    description: 'The password-reset (1 hour) or e-mail verification (48 hours) link expired; ask for a new one.',
  },
  NH_BRAND_KIT_NO_MEMORY: {
    status: 409,
    category: 'user',
    description:
      "The brand kit is stored in the workspace's memory, and no enabled plugin provides the memory contract here: enable memory (or a replacement providing `memory`).",
  },
  NH_NOTIFY_PERSON_REQUIRED: {
    status: 400,
    category: 'user',
    description: 'Notification preferences belong to a person: an API token or the operator has none (sign in to the console).',
  },
  NH_AUTH_FORBIDDEN: {
    status: 403,
    category: 'user',
    description:
      'Your role in this workspace does not allow this (viewers read only; members run tools; owners and admins manage plugins, members and tokens).',
  },
  NH_AUTH_OPERATOR_UNREADABLE: {
    status: 500,
    category: 'user',
    description:
      'The operator credential file (`<data dir>/operator.token`) cannot be read or holds no credential: run the CLI as the user that runs NeonHub, or delete the file and restart the host to write a new one.',
  },
  NH_AUTH_SETUP_INVALID: {
    status: 403,
    category: 'user',
    description:
      'The one-time setup link is wrong, was used already, or an account exists: log in, or ask the operator for `neonhub user create --owner`.',
  },
  NH_HTTP_HOST_FORBIDDEN: {
    status: 421,
    category: 'user',
    description:
      'The Host header names a host this server does not serve (DNS-rebinding protection): reach it by its bound address or a localhost name, or add the name to NEONHUB_ALLOWED_HOSTS / NEONHUB_PUBLIC_URL.',
  },
  NH_HTTP_ORIGIN_FORBIDDEN: {
    status: 403,
    category: 'user',
    description: 'A browser request (or WebSocket) came from an origin this server does not serve; it was refused for every principal.',
  },
  NH_AUTH_OAUTH_UNAVAILABLE: {
    status: 404,
    category: 'user',
    description: 'GitHub sign-in is not configured (set GITHUB_CLIENT_ID and GITHUB_CLIENT_SECRET), or the OAuth state did not match.',
  },
  NH_MEMBER_NOT_FOUND: {
    status: 404,
    category: 'user',
    description: 'No member or pending invite with this id or e-mail in the workspace.',
  },
  NH_MEMBER_EXISTS: { status: 409, category: 'user', description: 'The person is already a member of (or invited to) the workspace.' },
  NH_MEMBER_LAST_OWNER: {
    status: 409,
    category: 'user',
    description: 'The workspace would be left without an owner; make someone else owner first.',
  },
  NH_INTERNAL: { status: 500, category: 'internal', description: 'An unexpected error; the logs carry its details.' },
} satisfies ErrorRegistry;
