import { defineErrors } from '@neonhub/schemas';

/**
 * The host's error registry. Every error the host raises is created from here;
 * `docs/errors.md` lists the same codes (a test keeps them in agreement).
 */
export const hostErrors = defineErrors({
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
  // outbox
  NH_OUTBOX_NOT_FOUND: { status: 404, category: 'user', description: 'No outbox message by this id in this workspace.' },
  NH_OUTBOX_NOT_RETRYABLE: {
    status: 409,
    category: 'user',
    description:
      'Only a dead or cancelled outbox message can be retried (a queued, retrying or sending one is on its way; a delivered one was sent).',
  },
  NH_OUTBOX_NOT_CANCELLABLE: {
    status: 409,
    category: 'user',
    description: 'Only a queued, retrying or dead outbox message can be cancelled (one being sent right now, or delivered, cannot).',
  },
  NH_OUTBOX_PENDING: {
    status: 503,
    category: 'transient',
    description:
      "A run step's send is still in the outbox (its first attempt failed and is retried): the step is retried with the same key until the message is delivered or dead.",
  },
  NH_OUTBOX_CANCELLED: {
    status: 409,
    category: 'user',
    description:
      'An admin cancelled the outbox message this idempotency key names: it is not sent; retry it from the Outbox page, or send with a new key.',
  },
  // tool calls
  NH_TOOL_NOT_FOUND: { status: 404, category: 'user', description: 'No tool by this name is loaded.' },
  NH_TOOL_NOT_ENABLED: { status: 403, category: 'user', description: "The tool's plugin is not enabled in this workspace." },
  NH_TOOL_INPUT_INVALID: {
    status: 400,
    category: 'user',
    description: "The input does not match the tool's input schema; details list each problem.",
  },
  NH_TOOL_OUTPUT_INVALID: {
    status: 502,
    category: 'third_party',
    description: "The plugin returned output that does not match the tool's output schema.",
  },
  NH_TOOL_TIMEOUT: { status: 504, category: 'transient', description: 'The tool did not finish within its timeout.' },
  NH_TOOL_FAILED: { status: 502, category: 'third_party', description: 'The tool threw an error; details carry its code and message.' },
  NH_TOOL_DENIED: { status: 403, category: 'user', description: 'A beforeToolCall hook denied the call; the reason says why.' },
  NH_TOOL_QUARANTINED: {
    status: 403,
    category: 'user',
    description: "An outside MCP server's tool changed since it was locked; it stays hidden until `neonhub plugin lock` approves it.",
  },
  NH_TOOL_DEPENDENCY_UNDECLARED: {
    status: 403,
    category: 'user',
    description: 'ctx.callTool named a tool of a plugin that the caller does not declare as a dependency.',
  },
  NH_HOOK_FAILED: { status: 500, category: 'internal', description: 'A hook threw; the call is refused (fail closed) and the hook named.' },
  NH_TOOL_RESULT_TOO_LARGE: {
    status: 502,
    category: 'third_party',
    description:
      'The plugin sent back more than its result size limit (NEONHUB_RESULT_MAX_BYTES, default 4 MiB); the result is dropped and a cut-off stdio server restarted.',
  },
  NH_POLICY_PLUGIN_MISSING: {
    status: 503,
    category: 'transient',
    description:
      'A plugin with hooks is enabled in the workspace but not loaded (failed, refused or still starting): calls that change something are refused until it is back (fail closed); details name it.',
  },
  NH_CONTRACT_AMBIGUOUS: {
    status: 409,
    category: 'user',
    description:
      'Two or more plugins enabled in the workspace provide the same contract (policy, approvals, the calendar, ...): disable all but one; details name them.',
  },
  NH_CONTRACT_MISSING: {
    status: 409,
    category: 'user',
    description:
      'No plugin enabled in the workspace provides the contract the request needs (e.g. the calendar for a new post): enable one; details name the contract.',
  },
  NH_APPROVALS_PROVIDER_MISSING: {
    status: 503,
    category: 'user',
    description:
      "A plugin's hook held a call for approval, but that plugin does not provide the `approvals` contract (list, get, approve, reject), so nobody could decide it: the call is refused (fail closed).",
  },
  NH_APPROVAL_NOT_HELD: {
    status: 409,
    category: 'user',
    description:
      "The call asked for a person's approval before it runs (a plan step marked `needsApproval`), but no hook held it: the workspace's approvals provider ignored the request (e.g. one written for host API 0.2.0). The tool did not run (fail closed); update or replace the approvals provider.",
  },
  // workspaces, config, secrets
  NH_WORKSPACE_NOT_FOUND: { status: 404, category: 'user', description: 'No workspace has this slug or id.' },
  NH_WORKSPACE_EXISTS: { status: 409, category: 'user', description: 'A workspace with this slug already exists.' },
  NH_WORKSPACE_INVALID: { status: 400, category: 'user', description: 'The workspace slug or name is not valid.' },
  NH_WORKSPACE_LLM_INVALID: {
    status: 400,
    category: 'user',
    description:
      "The workspace's model settings are not valid (unknown provider, a missing base URL or model, or no API key where the provider needs one).",
  },
  NH_CONFIG_INVALID: { status: 400, category: 'user', description: "The plugin config does not match the manifest's config schema." },
  NH_SECRET_UNDECLARED: { status: 400, category: 'user', description: 'The plugin does not declare a secret by this name.' },
  NH_SECRET_KEY_INVALID: { status: 500, category: 'user', description: 'NEONHUB_SECRET_KEY is not 32 bytes in base64 or hex.' },
  NH_SECRET_DECRYPT_FAILED: {
    status: 500,
    category: 'internal',
    description: 'A stored secret failed to decrypt (wrong key, or bound to another workspace or name).',
  },
  // server, CLI, config
  NH_REQUEST_INVALID: { status: 400, category: 'user', description: 'The request body or parameters are malformed.' },
  NH_ROUTE_NOT_FOUND: { status: 404, category: 'user', description: 'No API route matches.' },
  NH_CONFIG_ENV_INVALID: {
    status: 400,
    category: 'user',
    description: 'An environment variable (PORT, DATABASE_URL, ...) has an invalid value.',
  },
  NH_DATA_DIR_LOCKED: {
    status: 409,
    category: 'user',
    description:
      'Another NeonHub process (usually `neonhub start`) has the embedded database open; stop it, or use the HTTP API, or set DATABASE_URL.',
  },
  NH_PORT_IN_USE: {
    status: 409,
    category: 'user',
    description:
      '`neonhub start` cannot listen: another process has the port. Stop it, or pick another port (`--port`, PORT); start exits at once and releases the data directory.',
  },
  NH_PORT_UNAVAILABLE: {
    status: 400,
    category: 'user',
    description:
      '`neonhub start` cannot listen on this address and port (a port below 1024 without privileges, or HOST is not an address of this machine).',
  },
  // MCP gateway and API tokens (host/src/mcp)
  NH_AUTH_TOKEN_MISSING: { status: 401, category: 'user', description: 'The request carries no `Authorization: Bearer nh_...` API token.' },
  NH_AUTH_TOKEN_INVALID: { status: 401, category: 'user', description: 'The API token is malformed, unknown or revoked.' },
  NH_AUTH_ROLE_INVALID: { status: 400, category: 'user', description: 'The role is not one of owner, admin, member, viewer.' },
  NH_AUTH_TOKEN_NOT_FOUND: { status: 404, category: 'user', description: 'No API token has this id in the workspace.' },
  NH_MCP_HOST_FORBIDDEN: {
    status: 403,
    category: 'user',
    description: 'The Host or Origin header of an MCP request is not one this host serves (DNS-rebinding protection).',
  },
  NH_MCP_SESSION_NOT_FOUND: {
    status: 404,
    category: 'user',
    description: 'The mcp-session-id is unknown, expired, or belongs to another token; start a new session with initialize.',
  },
  NH_MCP_APPROVAL_PENDING: {
    status: 202,
    category: 'user',
    description: 'The tool call waits for a person to approve it; the result carries the approval id.',
  },
  NH_MCP_PROMPT_NOT_FOUND: { status: 404, category: 'user', description: 'No prompt by this name is enabled in the workspace.' },
  NH_MCP_PROMPT_ARGUMENT_MISSING: { status: 400, category: 'user', description: 'prompts/get lacks a required prompt argument.' },
  NH_MCP_RESOURCE_NOT_FOUND: { status: 404, category: 'user', description: 'No resource with this URI is available in the workspace.' },
  // console accounts, sessions and membership (host/src/accounts)
  NH_AUTH_REQUIRED: {
    status: 401,
    category: 'user',
    description:
      'The request carries no credential, or its session expired: send a console session (the `__Host-neonhub_session` cookie or `Authorization: Bearer nhs_...`), an API token (`Bearer nh_...`) or the operator credential (`Bearer nho_...` from `<data dir>/operator.token`).',
  },
  NH_AUTH_CREDENTIALS_INVALID: {
    status: 401,
    category: 'user',
    description: 'The e-mail or password is wrong (the message does not say which).',
  },
  NH_AUTH_EMAIL_TAKEN: { status: 409, category: 'user', description: 'An account with this e-mail already exists; log in instead.' },
  NH_AUTH_RATE_LIMITED: {
    status: 429,
    category: 'transient',
    description:
      'Too many failed log-ins (or reset requests): details.scope says what is throttled (account-address: this account from this address; address: this address for every account; account: this account from addresses that never signed in to it) and details.retryAfterSeconds when to try again.',
  },
  NH_AUTH_LINK_INVALID: {
    status: 400,
    category: 'user',
    description: 'The password-reset or e-mail verification link is malformed or unknown; ask for a new one.',
  },
  NH_AUTH_LINK_USED: {
    status: 410,
    category: 'user',
    description: 'The password-reset or e-mail verification link was already used (each works once); ask for a new one.',
  },
  NH_AUTH_LINK_EXPIRED: {
    status: 410,
    category: 'user',
    description: 'The password-reset (1 hour) or e-mail verification (48 hours) link expired; ask for a new one.',
  },
  NH_BRAND_KIT_NO_MEMORY: {
    status: 409,
    category: 'user',
    description:
      "The brand kit is stored in the workspace's memory, and no enabled plugin provides the memory contract here: enable memory (or a replacement providing `memory`).",
  },
  NH_NOTIFY_PERSON_REQUIRED: {
    status: 400,
    category: 'user',
    description: 'Notification preferences belong to a person: an API token or the operator has none (sign in to the console).',
  },
  NH_AUTH_FORBIDDEN: {
    status: 403,
    category: 'user',
    description:
      'Your role in this workspace does not allow this (viewers read only; members run tools; owners and admins manage plugins, members and tokens).',
  },
  NH_AUTH_OPERATOR_UNREADABLE: {
    status: 500,
    category: 'user',
    description:
      'The operator credential file (`<data dir>/operator.token`) cannot be read or holds no credential: run the CLI as the user that runs NeonHub, or delete the file and restart the host to write a new one.',
  },
  NH_AUTH_SETUP_INVALID: {
    status: 403,
    category: 'user',
    description:
      'The one-time setup link is wrong, was used already, or an account exists: log in, or ask the operator for `neonhub user create --owner`.',
  },
  NH_HTTP_HOST_FORBIDDEN: {
    status: 421,
    category: 'user',
    description:
      'The Host header names a host this server does not serve (DNS-rebinding protection): reach it by its bound address or a localhost name, or add the name to NEONHUB_ALLOWED_HOSTS / NEONHUB_PUBLIC_URL.',
  },
  NH_HTTP_ORIGIN_FORBIDDEN: {
    status: 403,
    category: 'user',
    description: 'A browser request (or WebSocket) came from an origin this server does not serve; it was refused for every principal.',
  },
  NH_AUTH_OAUTH_UNAVAILABLE: {
    status: 404,
    category: 'user',
    description: 'GitHub sign-in is not configured (set GITHUB_CLIENT_ID and GITHUB_CLIENT_SECRET), or the OAuth state did not match.',
  },
  NH_MEMBER_NOT_FOUND: {
    status: 404,
    category: 'user',
    description: 'No member or pending invite with this id or e-mail in the workspace.',
  },
  NH_MEMBER_EXISTS: { status: 409, category: 'user', description: 'The person is already a member of (or invited to) the workspace.' },
  NH_MEMBER_LAST_OWNER: {
    status: 409,
    category: 'user',
    description: 'The workspace would be left without an owner; make someone else owner first.',
  },
  NH_INTERNAL: { status: 500, category: 'internal', description: 'An unexpected error; the logs carry its details.' },
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
});

export type HostErrorCode = keyof typeof hostErrors.registry;
