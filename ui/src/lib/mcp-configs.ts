/**
 * The MCP client configurations NeonHub shows, from one place: the console's API tokens page renders them
 * with this host's paths and URL, docs/mcp.md holds them rendered with DOC_EXAMPLE, and
 * host/test/mcp/client-configs.test.ts launches every one with the official MCP SDK client and calls a tool
 * (and fails when docs/mcp.md no longer shows exactly what this function makes).
 */
export interface McpConfigInput {
  workspace: string;
  /** The host's Streamable HTTP endpoint, e.g. `http://127.0.0.1:4400/mcp`. */
  mcpUrl: string;
  /** The Node.js executable (`command` of the stdio configs). */
  node: string;
  /** The absolute path of the NeonHub CLI, `<NeonHub folder>/host/bin/neonhub.js`. */
  bin: string;
}

export interface McpClientConfig {
  id: string;
  title: string;
  transport: 'stdio' | 'http';
  /** The JSON to paste, as shown. */
  text: string;
}

/** What docs/mcp.md shows (replace the node and folder paths with yours: `which node`, `pwd`). */
export const DOC_EXAMPLE: McpConfigInput = {
  workspace: 'acme',
  mcpUrl: 'http://127.0.0.1:4400/mcp',
  node: 'node',
  bin: '/path/to/neonhub/host/bin/neonhub.js',
};

const json = (value: unknown) => JSON.stringify(value, null, 2);

/**
 * stdio configs start `node <bin> mcp --workspace <slug>` (no token: whoever can start it is the local
 * operator; while `neonhub start` runs it relays to that host's /mcp). HTTP configs send an API token.
 */
export function mcpClientConfigs(input: McpConfigInput): McpClientConfig[] {
  const name = `neonhub-${input.workspace}`;
  const stdio = { command: input.node, args: [input.bin, 'mcp', '--workspace', input.workspace] };
  return [
    {
      id: 'stdio',
      title: 'Claude Desktop (claude_desktop_config.json) and Cursor (.cursor/mcp.json), stdio',
      transport: 'stdio',
      text: json({ mcpServers: { [name]: stdio } }),
    },
    {
      id: 'vscode-stdio',
      title: 'VS Code (.vscode/mcp.json), stdio',
      transport: 'stdio',
      text: json({ servers: { [name]: { type: 'stdio', ...stdio } } }),
    },
    {
      id: 'cursor-http',
      title: 'Cursor (.cursor/mcp.json), HTTP with an API token in NEONHUB_TOKEN',
      transport: 'http',
      // biome-ignore lint/suspicious/noTemplateCurlyInString: the MCP client's own variable syntax, not a template
      text: json({ mcpServers: { [name]: { url: input.mcpUrl, headers: { Authorization: 'Bearer ${env:NEONHUB_TOKEN}' } } } }),
    },
    {
      id: 'vscode-http',
      title: 'VS Code (.vscode/mcp.json), HTTP with an API token (VS Code asks for it)',
      transport: 'http',
      text: json({
        inputs: [{ type: 'promptString', id: 'neonhub-token', description: 'NeonHub API token', password: true }],
        // biome-ignore lint/suspicious/noTemplateCurlyInString: the MCP client's own variable syntax, not a template
        servers: { [name]: { type: 'http', url: input.mcpUrl, headers: { Authorization: 'Bearer ${input:neonhub-token}' } } },
      }),
    },
  ];
}
