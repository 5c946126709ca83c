import { defineErrors, type ErrorRegistry } from '@neonhub/schemas';
import { accountErrors } from './errors/accounts.js';
import { manifestErrors } from './errors/manifest.js';
import { mcpErrors } from './errors/mcp.js';
import { outboxErrors } from './errors/outbox.js';
import { pluginErrors } from './errors/plugins.js';
import { scaffoldErrors } from './errors/scaffold.js';
import { serverErrors } from './errors/server.js';
import { toolErrors } from './errors/tools.js';
import { workspaceErrors } from './errors/workspaces.js';

/** The areas' codes as one registry; a code defined in two areas is a mistake caught when the module loads. */
function oneRegistry<const P extends ErrorRegistry[]>(...parts: P): P[number] extends infer R ? UnionToIntersection<R> : never {
  const all: ErrorRegistry = {};
  for (const part of parts)
    for (const [code, spec] of Object.entries(part)) {
      if (code in all) throw new Error(`host error code ${code} is defined twice`);
      all[code] = spec;
    }
  return all as never;
}
type UnionToIntersection<U> = (U extends unknown ? (u: U) => void : never) extends (i: infer I) => void ? I : never;

/**
 * The host's error registry. Every error the host raises is created from here;
 * `docs/errors.md` lists the same codes (a test keeps them in agreement). The codes are defined by area in
 * host/src/errors/ (manifests, plugins and the lockfile, the outbox, tool calls, workspaces, the server and CLI, the MCP
 * gateway, console accounts, the scaffold); this is the one registry they make.
 */
export const hostErrors = defineErrors(
  oneRegistry(
    manifestErrors,
    pluginErrors,
    outboxErrors,
    toolErrors,
    workspaceErrors,
    serverErrors,
    mcpErrors,
    accountErrors,
    scaffoldErrors,
  ),
);

export type HostErrorCode = keyof typeof hostErrors.registry;
