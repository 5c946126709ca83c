export { WORKSPACE_META_KEY, type WorkspaceMeta, WorkspaceMetaSchema, workspaceFromMeta, workspaceMeta } from '@neonhub/schemas';
export { buildToolContext, createJsonLogger, parseCallMeta } from './context.js';
export {
  annotationsOf,
  type CallContextMeta,
  type CallContextMetaInput,
  CallContextMetaSchema,
  CONTEXT_META_KEY,
  ERROR_META_KEY,
  SIDE_EFFECT_META_KEY,
  TIMEOUT_META_KEY,
  type ToolErrorPayload,
  ToolErrorPayloadSchema,
} from './meta.js';
export { errorPayload, errorResult, type ServedPlugin, type ServePluginOptions, servePlugin } from './server.js';
export { serveStdio } from './stdio.js';
