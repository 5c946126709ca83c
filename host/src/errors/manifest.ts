import type { ErrorRegistry } from '@neonhub/schemas';

/** Manifests: reading plugin.json and checking it against the manifest schema (host/src/plugins). Part of the host's one registry (host/src/errors.ts). */
export const manifestErrors = {
  // manifests
  NH_MANIFEST_NOT_FOUND: { status: 400, category: 'user', description: 'The plugin folder has no plugin.json.' },
  NH_MANIFEST_UNREADABLE: {
    status: 400,
    category: 'user',
    description: 'plugin.json could not be read (permissions, a directory, too large).',
  },
  NH_MANIFEST_INVALID_JSON: { status: 400, category: 'user', description: 'plugin.json is not valid JSON.' },
  NH_MANIFEST_NOT_OBJECT: { status: 400, category: 'user', description: 'plugin.json is valid JSON but not an object.' },
  NH_MANIFEST_INVALID: {
    status: 400,
    category: 'user',
    description: 'plugin.json does not match the manifest schema; details list each problem with its path.',
  },
  NH_MANIFEST_HOST_RANGE: {
    status: 400,
    category: 'user',
    description: "The plugin's `host` range does not include this host's API version, or is not a valid range.",
  },
  NH_MANIFEST_ENTRY_MISSING: {
    status: 400,
    category: 'user',
    description: "The module named by runtime.entry does not exist in the plugin's folder.",
  },
  NH_MANIFEST_PACKAGE_MISMATCH: {
    status: 400,
    category: 'user',
    description: "plugin.json's version differs from its package.json version.",
  },
  // manifests: finer codes, chosen from the path of the first schema problem (host/src/plugins/manifest-issues.ts)
  NH_MANIFEST_FIELD_MISSING: {
    status: 400,
    category: 'user',
    description: 'plugin.json lacks a required top-level field (id, version, kind, description, host, runtime).',
  },
  NH_MANIFEST_UNKNOWN_FIELD: {
    status: 400,
    category: 'user',
    description: 'plugin.json has a top-level field the manifest schema does not define (a typo?).',
  },
  NH_MANIFEST_FIELD_INVALID: {
    status: 400,
    category: 'user',
    description: 'A plain manifest field (name, description, $schema) has the wrong type or length.',
  },
  NH_MANIFEST_ID_INVALID: {
    status: 400,
    category: 'user',
    description: 'The plugin id is not lowercase kebab-case of 2 to 64 characters.',
  },
  NH_MANIFEST_VERSION_INVALID: { status: 400, category: 'user', description: 'The plugin version is not a semver version such as 1.2.3.' },
  NH_MANIFEST_KIND_INVALID: { status: 400, category: 'user', description: 'kind is not one of agent, connector, capability.' },
  NH_MANIFEST_RUNTIME_INVALID: {
    status: 400,
    category: 'user',
    description: 'runtime is malformed: unknown type, an entry escaping the plugin folder, a bad URL or command.',
  },
  NH_MANIFEST_TOOL_INVALID: {
    status: 400,
    category: 'user',
    description:
      'A declared tool is malformed (name, description, schemas, side effect, timeout), or a module plugin declares no tool or hook.',
  },
  NH_MANIFEST_DUPLICATE_TOOL: { status: 400, category: 'user', description: 'Two tools in plugin.json have the same name.' },
  NH_MANIFEST_SECRET_INVALID: {
    status: 400,
    category: 'user',
    description: 'A declared secret is malformed (names are UPPER_SNAKE_CASE), or runtime.bearerSecret names an undeclared secret.',
  },
  NH_MANIFEST_DUPLICATE_SECRET: { status: 400, category: 'user', description: 'Two secrets in plugin.json have the same name.' },
  NH_MANIFEST_NETWORK_INVALID: {
    status: 400,
    category: 'user',
    description: 'network.hosts holds something other than a host name (a scheme, a path, uppercase).',
  },
  NH_MANIFEST_DEPENDENCY_INVALID: {
    status: 400,
    category: 'user',
    description: 'A dependency is malformed: a bad plugin id, a bad semver range, or the plugin itself.',
  },
  NH_MANIFEST_HOOK_INVALID: {
    status: 400,
    category: 'user',
    description: 'A hook declaration is malformed (unknown event, bad priority).',
  },
  NH_MANIFEST_DUPLICATE_HOOK: { status: 400, category: 'user', description: 'The same hook event is declared twice.' },
  NH_MANIFEST_PROMPT_INVALID: {
    status: 400,
    category: 'user',
    description: 'A prompt declaration is malformed (name, template, arguments).',
  },
  NH_MANIFEST_CONFIG_INVALID: { status: 400, category: 'user', description: 'config is not a JSON Schema describing an object.' },
} satisfies ErrorRegistry;
