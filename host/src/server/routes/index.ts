export type { ApiDeps } from './deps.js';
export { hostRoutes } from './host.js';
export { llmRoutes } from './llm.js';
export { memberRoutes } from './members.js';
export { outboundRoutes } from './outbound.js';
export { tokenRoutes } from './tokens.js';
export { toolRoutes } from './tools.js';
export { workspacePluginRoutes } from './workspace-plugins.js';
export { workspaceRoutes } from './workspaces.js';
