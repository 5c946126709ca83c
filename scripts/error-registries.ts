import type { ErrorRegistry } from '@neonhub/schemas';
import { dbErrors } from '../core/db/src/errors.js';
import { sdkErrors } from '../core/sdk/src/errors.js';
import { hostErrors } from '../host/src/errors.js';
import { memoryErrors } from '../mcp-servers/memory/src/errors.js';

/** Every package's error registry, by area, for docs/errors.md. */
export const registries: Record<string, ErrorRegistry> = {
  'Host (loader, lockfile, pipeline, workspaces, API)': hostErrors.registry,
  'Plugin SDK': sdkErrors.registry,
  'Data layer (@neonhub/db)': dbErrors.registry,
  'Memory server (@neonhub/mcp-memory)': memoryErrors.registry,
};
