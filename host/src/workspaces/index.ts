export { type ConfigIssue, type ConfigValidator, createConfigValidator } from './config-validator.js';
export { createWorkspaceLlm, type WorkspaceLlm, type WorkspaceLlmView } from './llm-settings.js';
export { createWorkspaceOutbound, type WorkspaceOutbound, type WorkspaceOutboundView } from './outbound.js';
export { createWorkspaceService, type WorkspaceChange, type WorkspaceService, type WorkspaceServiceOptions } from './service.js';
