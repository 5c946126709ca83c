import type { DB, Kysely, Repositories } from '@neonhub/db';
import type { Logger } from 'pino';
import type { Host } from '../host.js';
import type { TokenService } from '../mcp/index.js';
import type { CallTool } from '../pipeline/call-tool.js';
import type { ToolRegistry } from '../registry.js';
import type { WorkspaceService } from '../workspaces/index.js';

/** What the account routes need of the host. */
export interface AccountDeps {
  db: Kysely<DB>;
  repos: Repositories;
  service: WorkspaceService;
  tokens: TokenService;
  registry: ToolRegistry;
  logger?: Logger;
  /** The tool pipeline: account mail (password reset, e-mail verification) goes through a workspace's e-mail connector. */
  callTool?: CallTool;
}

export const accountDepsFromHost = (host: Host): AccountDeps => ({
  db: host.storage.db,
  repos: host.storage.repos,
  service: host.storage.service,
  tokens: host.storage.tokens,
  registry: host.registry,
  logger: host.logger,
  callTool: host.callTool,
});
