import type { ErrorRegistry } from '@neonhub/schemas';

/** Tool calls: the call pipeline, hooks, policy and approvals (host/src/pipeline). Part of the host's one registry (host/src/errors.ts). */
export const toolErrors = {
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
} satisfies ErrorRegistry;
