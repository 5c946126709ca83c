import { defineErrors } from '@neonhub/schemas';

/** Errors raised by the SDK inside a plugin. */
export const sdkErrors = defineErrors({
  NH_SDK_HOST_NOT_ALLOWED: {
    status: 403,
    category: 'user',
    description: 'A plugin fetched a host its manifest does not declare under network.hosts.',
  },
  NH_SDK_SECRET_UNDECLARED: { status: 400, category: 'user', description: 'A plugin asked for a secret its manifest does not declare.' },
  NH_SDK_TOOL_UNKNOWN: { status: 404, category: 'user', description: 'The harness was asked for a tool the plugin does not define.' },
  NH_SDK_INPUT_INVALID: { status: 400, category: 'user', description: 'Tool input does not match the tool input schema.' },
  NH_SDK_OUTPUT_INVALID: {
    status: 500,
    category: 'internal',
    description: 'A tool returned output that does not match its output schema.',
  },
  NH_SDK_TOOL_TIMEOUT: { status: 504, category: 'transient', description: 'The harness stopped a tool that ran past its timeoutMs.' },
  NH_SDK_HOOK_UNDEFINED: { status: 404, category: 'user', description: 'The harness was asked to run a hook the plugin does not define.' },
  NH_SDK_MANIFEST_NOT_FOUND: {
    status: 400,
    category: 'user',
    description: 'The plugin folder has no readable plugin.json (manifest sync).',
  },
  NH_SDK_MANIFEST_INVALID: {
    status: 400,
    category: 'user',
    description: 'plugin.json is not valid JSON, or the tools generated from code are not valid manifest tools.',
  },
  NH_SDK_PLUGIN_ID_MISMATCH: { status: 400, category: 'user', description: "definePlugin's id differs from plugin.json's id." },
  NH_SDK_PLUGIN_LOAD_FAILED: {
    status: 400,
    category: 'user',
    description: "The plugin's runtime.entry could not be imported or does not default-export definePlugin(...).",
  },
  NH_SDK_CALL_UNSUPPORTED: {
    status: 400,
    category: 'user',
    description: 'ctx.callTool is not available where the plugin runs (harness without a callTool stub).',
  },
  NH_SDK_MEMORY_ANSWER_INVALID: {
    status: 502,
    category: 'third_party',
    description:
      'The plugin providing the memory contract answered memory_search or memory_ingest with output the contract does not describe.',
  },
  NH_SDK_MEMORY_HELD: {
    status: 409,
    category: 'user',
    description:
      "A memory call made through ctx.memory was held for approval by the workspace's policy: allow memory reads, or call memory_search yourself.",
  },
  NH_SDK_STORE_READ_ONLY: {
    status: 500,
    category: 'internal',
    description:
      "A tool that declares the side effect none or read wrote to its store (a run may call such a tool twice): declare it 'write'.",
  },
});

/** The one error for a secret a plugin's manifest does not declare, wherever the plugin runs (in-process, isolated, harness). */
export function undeclaredSecret(pluginId: string, name: string, declared?: readonly string[]) {
  return sdkErrors.create('NH_SDK_SECRET_UNDECLARED', `secret ${name} is not declared in plugin ${pluginId}'s manifest (secrets[].name)`, {
    details: { plugin: pluginId, name, ...(declared ? { declared: [...declared] } : {}) },
  });
}

/**
 * The connector contract's errors, shared by every connector (sandbox or real provider), so a caller handles
 * them the same way whichever connector it called.
 */
export const connectorErrors = defineErrors({
  NH_CONNECTOR_IDEMPOTENCY_CONFLICT: {
    status: 409,
    category: 'user',
    description:
      'An idempotency key was reused for a different message or post: a retry must send the same one, a new one needs a new key.',
  },
  NH_CONNECTOR_NOT_CONNECTED: {
    status: 409,
    category: 'user',
    description:
      'The connector has no connected account in this workspace (or the named connection does not exist or was revoked): an admin connects one on the Connections page or with `neonhub connection add`.',
  },
  NH_CONNECTOR_AUTH_FAILED: {
    status: 401,
    category: 'third_party',
    description:
      "The provider refused the connection's credentials (revoked, expired and not refreshable, wrong key): the connection is marked failing; an admin reconnects it.",
  },
  NH_CONNECTOR_RATE_LIMITED: {
    status: 429,
    category: 'transient',
    description:
      'The provider answered 429 (or its own rate-limit error): the outbox retries after details.retryAfterMs (from Retry-After or the provider reset header).',
  },
  NH_CONNECTOR_UNAVAILABLE: {
    status: 502,
    category: 'transient',
    description: 'The provider failed or could not be reached (5xx, timeout, connection reset): the outbox retries with backoff.',
  },
  NH_CONNECTOR_REJECTED: {
    status: 422,
    category: 'third_party',
    description:
      "The provider refused this message or post for good (invalid recipient, duplicate content, policy): not retried; details.providerCode and the provider's message say why.",
  },
  NH_CONNECTOR_SCOPE_MISSING: {
    status: 403,
    category: 'user',
    description:
      "The connection was granted without a permission this read needs (details.scope names it, e.g. LinkedIn's r_organization_social, Meta's read_insights): an admin reconnects the account granting it.",
  },
  NH_CONNECTOR_LIMIT_EXCEEDED: {
    status: 400,
    category: 'user',
    description:
      "The message or post breaks the network's limits (text length, media count or size, recipients), checked before anything is sent.",
  },
});

/**
 * The outbound guard's errors (core/sdk/src/outbound): every request the host makes for a workspace (its model,
 * ctx.fetch, outside MCP servers) is refused the same way, whichever caller made it.
 */
export const outboundErrors = defineErrors({
  NH_OUTBOUND_BLOCKED: {
    status: 400,
    category: 'user',
    description:
      'An outbound request targets a loopback, private, link-local, metadata or other non-public address (or a name resolving to one) that no allow-list entry permits: use a public address, or have the operator allow-list it (NEONHUB_OUTBOUND_ALLOW, or the workspace outbound allow-list: neonhub workspace outbound).',
  },
  NH_OUTBOUND_FAILED: {
    status: 502,
    category: 'third_party',
    description:
      'An allowed outbound target could not be reached (no answer, refused, name not found, TLS failure); the low-level reason is not shown.',
  },
  NH_OUTBOUND_ALLOW_INVALID: {
    status: 400,
    category: 'user',
    description: 'An outbound allow-list entry is not an IP address, a CIDR range or a host name (each with an optional :port).',
  },
  NH_OUTBOUND_URL_INVALID: {
    status: 400,
    category: 'user',
    description: 'An outbound URL is not an absolute http(s) URL.',
  },
});

/** The scheduler's errors (ctx.scheduler, the calendar API, `neonhub schedule`; docs/schedules.md). */
export const scheduleErrors = defineErrors({
  NH_SCHEDULE_NOT_FOUND: { status: 404, category: 'user', description: 'No schedule with that id (or key) in this workspace.' },
  NH_SCHEDULE_TIME_PAST: {
    status: 400,
    category: 'user',
    description: 'The time lies more than a minute in the past: pick a future time.',
  },
  NH_SCHEDULE_TIME_INVALID: {
    status: 400,
    category: 'user',
    description:
      'The time is not ISO 8601 (with an offset, or a local date-time such as 2027-03-29T09:00), or the time zone is not an IANA zone.',
  },
  NH_SCHEDULE_INVALID: {
    status: 400,
    category: 'user',
    description: 'A schedule request is malformed (key, tool name or calendar fields): see details.issues.',
  },
  NH_SCHEDULE_NOT_PENDING: {
    status: 409,
    category: 'user',
    description:
      'The schedule is running or has run (sent, published, done, partial, pending approval): it can no longer be moved or cancelled.',
  },
  NH_SCHEDULE_TOOL_NOT_ALLOWED: {
    status: 403,
    category: 'user',
    description: "A plugin may schedule only its own tools or those its manifest may call (dependencies, 'calls').",
  },
  NH_SCHEDULE_HELD: {
    status: 409,
    category: 'user',
    description: 'A policy holds the call that creates the calendar item for approval: it appears on the calendar once approved.',
  },
  NH_SCHEDULE_CONFLICT: { status: 409, category: 'transient', description: 'The schedule changed at the same time (fired, moved): retry.' },
});

/**
 * Errors of a plugin's prompt registry (`definePrompt`, `createPromptRegistry`): the codes keep the LLM adapter's
 * prefix they were born with.
 */
export const promptErrors = defineErrors({
  NH_LLM_PROMPT_NOT_FOUND: {
    status: 404,
    category: 'user',
    description: 'No prompt with that id (and version) is registered.',
  },
  NH_LLM_PROMPT_INVALID: {
    status: 400,
    category: 'user',
    description: 'A prompt definition is invalid: a placeholder not declared as a variable, a duplicate variant or id/version.',
  },
  NH_LLM_PROMPT_VARIABLE_MISSING: {
    status: 400,
    category: 'user',
    description: 'A prompt was rendered without a value for one of its variables.',
  },
});
