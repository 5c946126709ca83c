import { z } from 'zod';
import { PluginIdSchema } from '../common.js';
import { IsoDateTimeSchema, NO_CONTENT, WsPluginParamsSchema } from './common.js';
import { defineRoute } from './route.js';

/** A workspace's OAuth grant at an outside MCP server (never a token). */
export const PluginOAuthStatusSchema = z.object({
  plugin: PluginIdSchema,
  serverUrl: z.string(),
  grant: z.enum(['authorization_code', 'client_credentials']),
  status: z.enum(['not_connected', 'pending', 'connected', 'failing']),
  scope: z.string().nullable(),
  tokenExpiresAt: IsoDateTimeSchema.nullable(),
  connectedAt: IsoDateTimeSchema.nullable(),
  connectedBy: z.string().nullable(),
  lastError: z.string().nullable(),
  /** How the workspace's client is known to the authorization server. */
  client: z.enum(['pre-registered', 'workspace', 'registered', 'metadata-document']).nullable(),
});
export type PluginOAuthStatus = z.infer<typeof PluginOAuthStatusSchema>;

/** Connect a workspace: optionally with its own pre-registered client (or machine-to-machine credentials). */
export const PluginOAuthStartBodySchema = z.strictObject({
  clientId: z.string().trim().min(1).max(500).optional(),
  clientSecret: z.string().min(1).max(4096).optional(),
});

export const PluginOAuthStartedSchema = z.discriminatedUnion('status', [
  z.object({ status: z.literal('redirect'), authorizeUrl: z.url(), redirectUri: z.url(), expiresAt: IsoDateTimeSchema }),
  z.object({ status: z.literal('connected'), redirectUri: z.url() }),
]);
export type PluginOAuthStarted = z.infer<typeof PluginOAuthStartedSchema>;

export const PluginOAuthCallbackQuerySchema = z.object({
  state: z.string().max(200).optional(),
  code: z.string().max(4096).optional(),
  error: z.string().max(200).optional(),
  error_description: z.string().max(1000).optional(),
  iss: z.string().max(1000).optional(),
});

const ws = '/api/workspaces/:ws';

/** Upstream OAuth of outside MCP servers (docs/mcp.md, "Connecting an OAuth-protected MCP server"). */
export const pluginOAuthRoutes = {
  getPluginOAuth: defineRoute({
    method: 'GET',
    path: `${ws}/plugins/:id/oauth`,
    access: 'viewer',
    tag: 'plugins',
    summary: "The workspace's OAuth grant at an outside MCP server (status, scope, expiry, last error; never a token)",
    params: WsPluginParamsSchema,
    response: { 200: PluginOAuthStatusSchema },
  }),
  startPluginOAuth: defineRoute({
    method: 'POST',
    path: `${ws}/plugins/:id/oauth/start`,
    access: 'admin',
    tag: 'plugins',
    summary:
      "Connect the workspace's account to an outside MCP server behind OAuth: the authorization URL to open, or connected at once (client credentials)",
    params: WsPluginParamsSchema,
    body: PluginOAuthStartBodySchema,
    response: { 200: PluginOAuthStartedSchema },
  }),
  disconnectPluginOAuth: defineRoute({
    method: 'DELETE',
    path: `${ws}/plugins/:id/oauth`,
    access: 'admin',
    tag: 'plugins',
    summary: "Forget the workspace's OAuth grant at an outside MCP server (its calls then fail with NH_MCP_OAUTH_NOT_CONNECTED)",
    params: WsPluginParamsSchema,
    response: { 204: NO_CONTENT },
  }),
  pluginOAuthCallback: defineRoute({
    method: 'GET',
    path: '/api/plugins/oauth/callback',
    access: 'public',
    tag: 'plugins',
    summary:
      "The redirect URL of outside MCP servers' authorization servers: finishes connecting and answers 303 to the console's plugin page",
    query: PluginOAuthCallbackQuerySchema,
    response: { 303: NO_CONTENT },
  }),
} as const;
