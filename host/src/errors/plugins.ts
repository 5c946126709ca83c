import type { ErrorRegistry } from '@neonhub/schemas';

/** Plugins: discovery, dependencies, loading and the lockfile. Part of the host's one registry (host/src/errors.ts). */
export const pluginErrors = {
  // discovery and dependencies
  NH_PLUGIN_DUPLICATE_ID: { status: 409, category: 'user', description: 'Two plugin folders declare the same id.' },
  NH_PLUGIN_NOT_FOUND: { status: 404, category: 'user', description: 'No installed plugin has this id.' },
  NH_PLUGIN_DEPENDENCY_MISSING: { status: 400, category: 'user', description: 'A plugin depends on a plugin that is not installed.' },
  NH_PLUGIN_DEPENDENCY_VERSION: {
    status: 400,
    category: 'user',
    description: "An installed dependency's version is outside the range the plugin asks for.",
  },
  NH_PLUGIN_DEPENDENCY_CYCLE: { status: 400, category: 'user', description: 'Plugin dependencies form a cycle; details name it.' },
  NH_PLUGIN_DEPENDENCY_FAILED: {
    status: 400,
    category: 'user',
    description: 'A plugin depends on a plugin that is installed but cannot load; the message names it and why.',
  },
  NH_PLUGIN_RESTART_REQUIRED: {
    status: 409,
    category: 'user',
    description:
      'An in-process plugin changed while the host runs: a process cannot load new code for a module it already ran. The old version keeps running; restart the host (isolated plugins and MCP servers reload without one).',
  },
  NH_PLUGIN_LOAD_FAILED: {
    status: 500,
    category: 'internal',
    description: "The plugin's code failed to load or its default export is not definePlugin(...).",
  },
  NH_PLUGIN_TOOLS_MISMATCH: {
    status: 400,
    category: 'user',
    description: 'The tools a plugin defines in code differ from the tools its manifest declares.',
  },
  NH_PLUGIN_INSTALL_FAILED: { status: 400, category: 'user', description: 'Installing a plugin from npm or a tarball failed.' },
  NH_PLUGIN_ID_TAKEN: {
    status: 409,
    category: 'user',
    description:
      'An install would replace a plugin with the same id: a first-party plugin, an outside server, or an installed plugin of another package (--replace only replaces the same package).',
  },
  NH_PLUGIN_PATH_ESCAPES: {
    status: 400,
    category: 'user',
    description:
      'A file of a plugin is a link that resolves outside its folder (or is not a regular file); the plugin is refused and listed as a problem.',
  },
  NH_PLUGIN_DEGRADED: {
    status: 503,
    category: 'transient',
    description: 'An isolated plugin crashed 3 times within 5 minutes; it is marked degraded and restarts with backoff.',
  },
  NH_PLUGIN_UNAVAILABLE: {
    status: 503,
    category: 'transient',
    description:
      "The plugin's process is not running (restarting after a crash), or the plugin has not loaded (still starting, retrying or failed); the message says which.",
  },
  NH_PLUGIN_HOOKS_NEED_IN_PROCESS: {
    status: 400,
    category: 'user',
    description: 'Hooks run only for plugins loaded in-process; an isolated or MCP plugin cannot register them.',
  },
  // lockfile
  NH_LOCK_INVALID: { status: 400, category: 'user', description: 'plugins.lock.json does not match the lockfile schema.' },
  NH_PLUGIN_NOT_LOCKED: {
    status: 400,
    category: 'user',
    description: 'The plugin is installed but has no entry in plugins.lock.json; run `neonhub plugin lock`.',
  },
  NH_PLUGIN_LOCK_MISMATCH: {
    status: 400,
    category: 'user',
    description: "The plugin's packed contents differ from the integrity pinned in plugins.lock.json.",
  },
  NH_PLUGIN_TOOL_CHANGED: {
    status: 400,
    category: 'user',
    description: "A tool's name, description or schemas differ from the hash pinned in plugins.lock.json.",
  },
  NH_PLUGIN_VERSION_MISMATCH: {
    status: 400,
    category: 'user',
    description: 'The installed version differs from the version pinned in plugins.lock.json.',
  },
} satisfies ErrorRegistry;
