export * from './common.js';
export * from './errors.js';
export * from './lockfile.js';
export * from './manifest.js';
export * from './mcp-meta.js';
export * from './run.js';
export * from './tool.js';
export * from './workspace.js';
