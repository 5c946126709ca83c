import { z } from 'zod';

/**
 * The connector contract: what a connector plugin declares under `connector` in plugin.json so the host can
 * connect accounts to it, route a channel's sends to it, verify its webhooks and pace its deliveries
 * (docs/connectors.md). Read by the host without running any plugin code.
 */

/** What a connector delivers to. An agent asks for a channel; the workspace's connected connector serves it. */
export const ChannelSchema = z.enum(['email', 'sms', 'chat', 'social', 'crm', 'payments']);
export type Channel = z.infer<typeof ChannelSchema>;

/** Normalized delivery and engagement events, whatever the provider calls them. */
export const ConnectorEventTypeSchema = z.enum([
  'delivered',
  'bounced',
  'complained',
  'opened',
  'clicked',
  'replied',
  'unsubscribed',
  'failed',
  /** A payment or purchase (Stripe's checkout.session.completed): a conversion, with `data.value` and `data.currency`. */
  'converted',
]);
export type ConnectorEventType = z.infer<typeof ConnectorEventTypeSchema>;

/** One event a connector's webhook parser returns for a verified provider request. */
export const ConnectorEventSchema = z.strictObject({
  /** The provider's event id (deduplication key with the connection). */
  id: z.string().min(1).max(512),
  type: ConnectorEventTypeSchema,
  /** The provider message/post id the event is about (the `messageId` / `postId` the send returned). */
  messageId: z.string().max(512).optional(),
  /** E-mail address, phone number (E.164) or handle the event is about. */
  recipient: z.string().max(512).optional(),
  occurredAt: z.iso.datetime({ offset: true }),
  /** Provider details worth keeping (bounce reason, clicked URL...), small. */
  data: z.record(z.string(), z.unknown()).default({}),
});
export type ConnectorEvent = z.infer<typeof ConnectorEventSchema>;

const FieldNameSchema = z.string().regex(/^[a-zA-Z][a-zA-Z0-9_]{0,63}$/, 'field names look like apiKey or accountSid');

/** A credential field an admin types in when connecting an account (API key auth), stored encrypted, write-only. */
export const ConnectorAuthFieldSchema = z.strictObject({
  name: FieldNameSchema,
  label: z.string().min(1).max(100),
  description: z.string().max(500).default(''),
  /** false for non-secret settings shown back to admins (an account SID, a sender address, an instance URL). */
  secret: z.boolean().default(true),
  required: z.boolean().default(true),
});

export const ConnectorAuthSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('none') }),
  z.strictObject({ type: z.literal('apiKey'), fields: z.array(ConnectorAuthFieldSchema).min(1) }),
  z.strictObject({
    /** OAuth 2.0 authorization code with PKCE (S256); the host runs the flow, stores and refreshes the tokens. */
    type: z.literal('oauth2'),
    authorizeUrl: z.url({ protocol: /^https?$/ }),
    tokenUrl: z.url({ protocol: /^https?$/ }),
    revokeUrl: z.url({ protocol: /^https?$/ }).optional(),
    scopes: z.array(z.string().min(1)).default([]),
    /** Separator between scopes in the authorize URL (LinkedIn and X use a space; Meta uses a comma). */
    scopeSeparator: z.string().default(' '),
    pkce: z.boolean().default(true),
    /** Non-secret fields typed in beside the OAuth flow (e.g. the Facebook page id, the Mastodon instance URL). */
    fields: z.array(ConnectorAuthFieldSchema).default([]),
    /** How the client authenticates at the token endpoint. */
    tokenAuth: z.enum(['client_secret_basic', 'client_secret_post', 'none']).default('client_secret_post'),
  }),
]);
export type ConnectorAuth = z.infer<typeof ConnectorAuthSchema>;

/** How the host verifies a provider's webhook request before the connector parses it. */
export const WebhookSchemeSchema = z.enum(['svix', 'twilio', 'slack', 'hubspot-v3', 'meta', 'stripe', 'hmac-sha256']);
export type WebhookScheme = z.infer<typeof WebhookSchemeSchema>;

export const ConnectorDeclarationSchema = z.strictObject({
  channels: z.array(ChannelSchema).min(1),
  /** For social and chat connectors: the networks served (x, linkedin, bluesky, mastodon, facebook, instagram, slack, discord). */
  networks: z.array(z.string().regex(/^[a-z][a-z0-9-]{0,31}$/)).default([]),
  /** True for the sandbox connectors: used when a workspace has no connected connector for the channel. */
  sandbox: z.boolean().default(false),
  auth: ConnectorAuthSchema.default({ type: 'none' }),
  /** Inbound webhooks at /hooks/<plugin-id>/<connection-id>, verified with `scheme` and the credential field `secretField`. */
  webhook: z.strictObject({ scheme: WebhookSchemeSchema, secretField: FieldNameSchema }).optional(),
  /** The provider's limits per connected account; the outbox paces deliveries to them (shared across hosts with Redis). */
  rateLimit: z
    .strictObject({
      perSecond: z.number().positive().optional(),
      perMinute: z.number().positive().optional(),
      perDay: z.number().positive().optional(),
      concurrency: z.number().int().min(1).max(1000).optional(),
    })
    .optional(),
});
export type ConnectorDeclaration = z.infer<typeof ConnectorDeclarationSchema>;
