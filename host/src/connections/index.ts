export { CHANNEL_TOOLS, createChannelRouter } from './channels.js';
export { connectionErrors } from './errors.js';
export { type ConnectorEventFilter, type ConnectorEventStore, createConnectorEventStore, type StoredConnectorEvent } from './events.js';
export { createOAuthClient, type OAuthApp, type OAuthTokens } from './oauth-client.js';
export { type ConnectionService, createConnectionService, type ResolvedConnection } from './service.js';
