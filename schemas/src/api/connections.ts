import { z } from 'zod';
import { PluginIdSchema } from '../common.js';
import { ChannelSchema, ConnectorEventTypeSchema } from '../connector.js';
import { IsoDateTimeSchema, NO_CONTENT, UuidSchema, WorkspaceRefSchema, WsParamsSchema } from './common.js';
import { defineRoute } from './route.js';

export const ConnectionStatusSchema = z.enum(['active', 'failing', 'revoked']);
export type ConnectionStatus = z.infer<typeof ConnectionStatusSchema>;

/** A connected account as admins see it: never a secret value (secret fields are listed by name, set or not). */
export const ConnectionSchema = z.object({
  id: UuidSchema,
  plugin: PluginIdSchema,
  label: z.string(),
  authType: z.enum(['none', 'apiKey', 'oauth2']),
  status: ConnectionStatusSchema,
  default: z.boolean(),
  account: z.object({ id: z.string().nullable(), name: z.string().nullable() }),
  /** The non-secret fields (an account SID, a sender address, an instance URL). */
  fields: z.record(z.string(), z.string()),
  /** Names of the secret fields that hold a value. */
  secretsSet: z.array(z.string()),
  tokenExpiresAt: IsoDateTimeSchema.nullable(),
  lastError: z.string().nullable(),
  lastErrorAt: IsoDateTimeSchema.nullable(),
  /** Path of the connection's webhook (prefix the host's public URL), when the connector declares one. */
  webhookPath: z.string().nullable(),
  createdAt: IsoDateTimeSchema,
  updatedAt: IsoDateTimeSchema,
});
export type Connection = z.infer<typeof ConnectionSchema>;

/** A connector installed on the host, what it needs to connect, and whether an OAuth app is configured for it. */
export const ConnectorSummarySchema = z.object({
  plugin: PluginIdSchema,
  name: z.string(),
  enabled: z.boolean(),
  sandbox: z.boolean(),
  channels: z.array(ChannelSchema),
  networks: z.array(z.string()),
  authType: z.enum(['none', 'apiKey', 'oauth2']),
  fields: z.array(z.object({ name: z.string(), label: z.string(), description: z.string(), secret: z.boolean(), required: z.boolean() })),
  oauthReady: z.boolean(),
  webhookScheme: z.string().nullable(),
});

export const ConnectionListSchema = z.object({ connections: z.array(ConnectionSchema), connectors: z.array(ConnectorSummarySchema) });
export const ConnectionOneSchema = z.object({ connection: ConnectionSchema });
export const ConnectionParamsSchema = z.strictObject({ ws: WorkspaceRefSchema, connection: z.string().min(1).max(200) });

const FieldValuesSchema = z.record(z.string().max(64), z.string().max(8192));

/** API-key (and field-only) connections: the declared fields' values; secret ones are write-only. */
export const AddConnectionBodySchema = z.strictObject({
  plugin: PluginIdSchema,
  label: z.string().trim().min(1).max(100),
  fields: FieldValuesSchema.default({}),
  default: z.boolean().optional(),
  account: z.strictObject({ id: z.string().max(200).optional(), name: z.string().max(200).optional() }).optional(),
});
export type AddConnectionBody = z.input<typeof AddConnectionBodySchema>;

/** Changes a connection: its label, default flag or (some of) its field values. */
export const UpdateConnectionBodySchema = z.strictObject({
  label: z.string().trim().min(1).max(100).optional(),
  default: z.literal(true).optional(),
  fields: FieldValuesSchema.optional(),
});

/** Starts an OAuth authorization (a new connection, or `connection` to reconnect one). */
export const OAuthStartBodySchema = z.strictObject({
  plugin: PluginIdSchema,
  label: z.string().trim().min(1).max(100).optional(),
  connection: UuidSchema.optional(),
  fields: FieldValuesSchema.default({}),
  default: z.boolean().optional(),
});
export const OAuthStartedSchema = z.object({ authorizeUrl: z.url(), redirectUri: z.url(), expiresAt: IsoDateTimeSchema });
export const OAuthCallbackQuerySchema = z.object({
  state: z.string().max(200).optional(),
  code: z.string().max(4096).optional(),
  error: z.string().max(200).optional(),
  error_description: z.string().max(1000).optional(),
  iss: z.string().max(1000).optional(),
});

export const ConnectionTestedSchema = z.object({
  ok: z.boolean(),
  connection: ConnectionSchema,
  /** What was checked: the credentials decrypt, the OAuth token refreshed, the connector's test_connection tool. */
  checks: z.array(z.object({ check: z.string(), ok: z.boolean(), message: z.string() })),
});

export const ConnectorEventViewSchema = z.object({
  id: UuidSchema,
  connection: UuidSchema,
  plugin: PluginIdSchema,
  eventId: z.string(),
  type: ConnectorEventTypeSchema,
  messageId: z.string().nullable(),
  recipient: z.string().nullable(),
  occurredAt: IsoDateTimeSchema,
  receivedAt: IsoDateTimeSchema,
  data: z.record(z.string(), z.unknown()),
  /** Position in the workspace's event stream (pass as `after` to read on). */
  seq: z.number().int(),
});
export type ConnectorEventView = z.infer<typeof ConnectorEventViewSchema>;
export const ConnectorEventsQuerySchema = z.strictObject({
  messageId: z.string().max(512).optional(),
  type: ConnectorEventTypeSchema.optional(),
  connection: UuidSchema.optional(),
  after: z.coerce.number().int().min(0).optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
});
export const ConnectorEventListSchema = z.object({ events: z.array(ConnectorEventViewSchema) });
export const WebhookAcceptedSchema = z.object({ received: z.number().int(), stored: z.number().int() });

const ws = '/api/workspaces/:ws';

export const connectionRoutes = {
  listConnections: defineRoute({
    method: 'GET',
    path: `${ws}/connections`,
    access: 'viewer',
    tag: 'connections',
    summary: "The workspace's connected accounts (status, last error, never a secret) and the connectors they can use",
    params: WsParamsSchema,
    response: { 200: ConnectionListSchema },
  }),
  addConnection: defineRoute({
    method: 'POST',
    path: `${ws}/connections`,
    access: 'admin',
    tag: 'connections',
    summary: "Connect an account with the connector's API-key fields (secret values are write-only)",
    params: WsParamsSchema,
    body: AddConnectionBodySchema,
    response: { 201: ConnectionOneSchema },
  }),
  updateConnection: defineRoute({
    method: 'PATCH',
    path: `${ws}/connections/:connection`,
    access: 'admin',
    tag: 'connections',
    summary: 'Rename a connection, make it the default for its connector, or replace field values',
    params: ConnectionParamsSchema,
    body: UpdateConnectionBodySchema,
    response: { 200: ConnectionOneSchema },
  }),
  revokeConnection: defineRoute({
    method: 'POST',
    path: `${ws}/connections/:connection/revoke`,
    access: 'admin',
    tag: 'connections',
    summary: "Revoke a connection: the provider's token is revoked (revokeUrl), the credentials are erased; the row stays, revoked",
    params: ConnectionParamsSchema,
    response: { 200: ConnectionOneSchema },
  }),
  removeConnection: defineRoute({
    method: 'DELETE',
    path: `${ws}/connections/:connection`,
    access: 'admin',
    tag: 'connections',
    summary: 'Remove a connection (revoked at the provider first when it can be); its webhook events are kept',
    params: ConnectionParamsSchema,
    response: { 204: NO_CONTENT },
  }),
  testConnection: defineRoute({
    method: 'POST',
    path: `${ws}/connections/:connection/test`,
    access: 'admin',
    tag: 'connections',
    summary: "Check a connection: its credentials decrypt, an OAuth token refreshes, the connector's test_connection tool answers",
    params: ConnectionParamsSchema,
    response: { 200: ConnectionTestedSchema },
  }),
  startConnectionOAuth: defineRoute({
    method: 'POST',
    path: `${ws}/connections/oauth/start`,
    access: 'admin',
    tag: 'connections',
    summary: "Start connecting an OAuth 2.0 account (authorization code + PKCE): the provider's authorize URL to open",
    params: WsParamsSchema,
    body: OAuthStartBodySchema,
    response: { 200: OAuthStartedSchema },
  }),
  connectionOAuthCallback: defineRoute({
    method: 'GET',
    path: '/api/connections/oauth/callback',
    access: 'public',
    tag: 'connections',
    summary:
      "The OAuth redirect URL: the provider sends the browser back here with code and state; answers 303 to the console's Connections page",
    query: OAuthCallbackQuerySchema,
    response: { 303: NO_CONTENT },
  }),
  listConnectorEvents: defineRoute({
    method: 'GET',
    path: `${ws}/connector-events`,
    access: 'viewer',
    tag: 'connections',
    summary: 'Delivery and engagement events received by webhooks (delivered, bounced, opened, unsubscribed...), oldest first',
    params: WsParamsSchema,
    query: ConnectorEventsQuerySchema,
    response: { 200: ConnectorEventListSchema },
  }),
};
