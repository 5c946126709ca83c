import type { Kysely } from 'kysely';
import type { DB } from '../types.js';
import { membersRepository } from './members.js';
import { pluginRecordsRepository } from './plugin-records.js';
import { secretsRepository } from './secrets.js';
import { toolCallsRepository } from './tool-calls.js';
import { usersRepository } from './users.js';
import { workspacePluginsRepository } from './workspace-plugins.js';
import { workspacesRepository } from './workspaces.js';

/** Every repository over one Kysely instance (or transaction: `db.transaction().execute((trx) => createRepositories(trx)...)`). */
export function createRepositories(db: Kysely<DB>) {
  return {
    workspaces: workspacesRepository(db),
    users: usersRepository(db),
    members: membersRepository(db),
    workspacePlugins: workspacePluginsRepository(db),
    secrets: secretsRepository(db),
    toolCalls: toolCallsRepository(db),
    pluginRecords: pluginRecordsRepository(db),
  };
}

export type Repositories = ReturnType<typeof createRepositories>;

export * from './members.js';
export * from './plugin-records.js';
export * from './secrets.js';
export * from './tool-calls.js';
export * from './users.js';
export { isUuid } from './util.js';
export * from './workspace-plugins.js';
export * from './workspaces.js';
