export { type CreateTokenCommandDeps, createdTokenText, createTokenCommand } from './cli.js';
export { annotationsFor, createDescriptorCache, type DescriptorCache } from './descriptors.js';
export { createMcpGateway, type GatewayWorkspaces, type McpGateway, type McpGatewayDeps } from './gateway.js';
export { type McpHttpOptions, type McpRouteDeps, type McpRoutes, registerMcpRoutes } from './http.js';
export { assignNames, type McpNaming, parseMcpName, qualifiedFromMcpName, toMcpName } from './names.js';
export { type OAuthDeps, registerOAuthRoutes } from './oauth.js';
export { renderTemplate } from './prompts.js';
export type { McpPrincipal, PromptProvider, ProviderContext, ResourceProvider } from './providers.js';
export { aboutUri } from './resources.js';
export { createWorkspaceMcpServer, REQUEST_META_IDEMPOTENCY, type WorkspaceMcpServer, type WorkspaceMcpServerDeps } from './server.js';
export { LOCAL_OPERATOR, type StdioHandle, serveWorkspaceStdio } from './stdio.js';
export {
  type ApiTokenInfo,
  type ApiTokenRecord,
  createMemoryTokenStore,
  createTokenService,
  hashToken,
  type TokenService,
  type TokenStore,
} from './tokens.js';
