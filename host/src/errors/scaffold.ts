import type { ErrorRegistry } from '@neonhub/schemas';

/** The plugin scaffold (`neonhub plugin new`). Part of the host's one registry (host/src/errors.ts). */
export const scaffoldErrors = {
  // plugin scaffold (`neonhub plugin new`)
  NH_SCAFFOLD_ID_INVALID: {
    status: 400,
    category: 'user',
    description: 'The new plugin id is not lowercase kebab-case (2–64 characters, e.g. agent-seo).',
  },
  NH_SCAFFOLD_KIND_INVALID: { status: 400, category: 'user', description: 'The new plugin kind is not agent, connector or capability.' },
  NH_SCAFFOLD_DIR_NOT_EMPTY: {
    status: 409,
    category: 'user',
    description: 'The target folder of a new plugin exists and is not empty (or is a file); nothing was written.',
  },
} satisfies ErrorRegistry;
