import { defineErrors } from '@neonhub/schemas';

/** Connected accounts (OAuth and API keys) and inbound webhooks (docs/connectors.md). */
export const connectionErrors = defineErrors({
  NH_CONNECTION_NOT_FOUND: {
    status: 404,
    category: 'user',
    description: 'No connection with this id or label in the workspace (`neonhub connection list -w <slug>` shows them).',
  },
  NH_CONNECTION_INVALID: {
    status: 400,
    category: 'user',
    description:
      "The connection request does not fit the connector's declared auth: not a connector, a missing required field, an unknown field, the wrong auth type; details list each problem.",
  },
  NH_CONNECTION_EXISTS: {
    status: 409,
    category: 'user',
    description: 'The workspace already has a connection with this label for this connector: choose another label.',
  },
  NH_CONNECTION_OAUTH_APP_MISSING: {
    status: 409,
    category: 'user',
    description:
      "No OAuth app (client id) is configured for this connector: the operator sets NEONHUB_OAUTH_<PLUGIN>_CLIENT_ID and _CLIENT_SECRET (docs/connectors.md, 'Connected accounts').",
  },
  NH_CONNECTION_OAUTH_STATE: {
    status: 400,
    category: 'user',
    description:
      'The OAuth callback carries no state this host issued, a state already used or expired (10 minutes), or one started by another user: start the connection again.',
  },
  NH_CONNECTION_OAUTH_FAILED: {
    status: 400,
    category: 'third_party',
    description:
      "The provider refused the authorization (the user declined, a wrong client secret, an invalid code or PKCE verifier) or answered off the OAuth 2.0 spec; details carry the provider's error.",
  },
  NH_CONNECTION_REFRESH_FAILED: {
    status: 401,
    category: 'third_party',
    description:
      "The provider refused to refresh the connection's OAuth token (revoked, expired refresh token): the connection is marked failing; an admin connects it again.",
  },
  NH_WEBHOOK_NOT_FOUND: {
    status: 404,
    category: 'user',
    description: 'No connection of this connector at /hooks/<connector>/<connection>, or the connector declares no webhook.',
  },
  NH_WEBHOOK_SIGNATURE_INVALID: {
    status: 401,
    category: 'user',
    description:
      "The webhook request's signature is missing or does not verify with the connection's secret: it was refused and nothing stored.",
  },
  NH_WEBHOOK_TIMESTAMP_STALE: {
    status: 401,
    category: 'user',
    description: "The webhook request's signed timestamp is more than 5 minutes from now (a replay): refused.",
  },
  NH_WEBHOOK_SECRET_MISSING: {
    status: 409,
    category: 'user',
    description:
      "The connection has no value for the connector's webhook secret field, so no request can be verified: an admin sets it (`neonhub connection add` or the Connections page).",
  },
  NH_WEBHOOK_BODY_INVALID: {
    status: 400,
    category: 'user',
    description:
      "The verified webhook body could not be parsed into events (the connector's parser refused it, or returned events off the schema).",
  },
});
