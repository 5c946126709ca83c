export { mcpOAuthErrors } from './errors.js';
export {
  createMcpOAuthProvider,
  FLOW_TTL_MS,
  type McpOAuthMode,
  type McpOAuthProviderOptions,
  type McpOAuthSettings,
  NeonHubOAuthProvider,
  notConnected,
} from './provider.js';
export {
  createMcpOAuthService,
  MCP_OAUTH_CALLBACK_PATH,
  type McpOAuthService,
  type McpOAuthServiceDeps,
  type McpOAuthStarted,
  type McpOAuthStartInput,
  type McpOAuthStatus,
} from './service.js';
export { createMcpOAuthStore, type GrantState, type McpOAuthStore } from './store.js';
