import { defineErrors } from '@neonhub/schemas';

/** Upstream OAuth of outside MCP servers (docs/mcp.md, "Connecting an OAuth-protected MCP server"). */
export const mcpOAuthErrors = defineErrors({
  NH_MCP_OAUTH_NOT_CONNECTED: {
    status: 409,
    category: 'user',
    description:
      "The outside MCP server is behind OAuth and this workspace has not connected its account (or the grant was revoked, expired without a refresh token, or refused): an admin runs `neonhub plugin connect <plugin> -w <workspace>` or presses 'Connect account' on the plugin's page.",
  },
  NH_MCP_OAUTH_NOT_OAUTH: {
    status: 400,
    category: 'user',
    description: 'The plugin is not an mcp-http plugin whose runtime declares `oauth`, so there is no account to connect.',
  },
  NH_MCP_OAUTH_INVALID: {
    status: 400,
    category: 'user',
    description:
      'The connect request does not fit the plugin: a client secret without a client id, a client id where the manifest pins one, or credentials for a grant that takes none; details say which.',
  },
  NH_MCP_OAUTH_STATE: {
    status: 400,
    category: 'user',
    description:
      'The OAuth callback carries no state this host issued, a state already used or expired (10 minutes), or one started by another user: connect again.',
  },
  NH_MCP_OAUTH_FAILED: {
    status: 400,
    category: 'third_party',
    description:
      "The MCP server's authorization server refused or could not be reached (discovery, registration, the code exchange, a refresh or client credentials); details carry its OAuth error.",
  },
});
