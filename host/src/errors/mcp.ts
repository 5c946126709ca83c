import type { ErrorRegistry } from '@neonhub/schemas';

/** The MCP gateway and API tokens (host/src/mcp). Part of the host's one registry (host/src/errors.ts). */
export const mcpErrors = {
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
} satisfies ErrorRegistry;
